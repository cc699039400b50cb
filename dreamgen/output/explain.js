(function(){
  var panel = document.getElementById('panel-body');
  var body = document.body;
  function show(el){
    var on = document.querySelectorAll('.s[aria-pressed="true"]');
    for (var i = 0; i < on.length; i++) on[i].setAttribute('aria-pressed', 'false');
    el.setAttribute('aria-pressed', 'true');
    var copy = document.getElementById('d' + el.getAttribute('data-i')).cloneNode(true);
    copy.removeAttribute('id');
    copy.hidden = false;
    panel.innerHTML = '';
    panel.appendChild(copy);
    body.classList.add('open');
    // On a phone the panel is a sheet over the lower page: keep the sentence above it.
    var r = el.getBoundingClientRect();
    if (window.matchMedia('(max-width: 899px)').matches && r.bottom > innerHeight * 0.4)
      window.scrollBy(0, r.top - 12);
  }
  document.addEventListener('click', function(e){
    var s = e.target.closest && e.target.closest('.s');
    if (s) { show(s); return; }
    if (e.target.closest && e.target.closest('.close')) body.classList.remove('open');
  });
  document.addEventListener('keydown', function(e){
    var s = e.target.closest && e.target.closest('.s');
    if (s && (e.key === 'Enter' || e.key === ' ')) { e.preventDefault(); show(s); }
    if (e.key === 'Escape') body.classList.remove('open');
  });
})();
