// The sequence diagram's pages and zoom (SequenceDiagram); inlined into report.html.
(function(){
  var pages=Array.prototype.slice.call(document.querySelectorAll('svg.sequence'));
  var label=document.getElementById('seq-page');
  var cur=0;
  function show(i){
    cur=Math.max(0,Math.min(pages.length-1,i));
    pages.forEach(function(p,k){p.style.display=k===cur?'':'none';});
    if(label){label.textContent='page '+(cur+1)+' of '+pages.length+': '+pages[cur].getAttribute('data-steps');}
  }
  Array.prototype.forEach.call(document.querySelectorAll('button[data-seq]'),function(b){
    b.addEventListener('click',function(){show(cur+(b.getAttribute('data-seq')==='next'?1:-1));});
  });
  var zoom=document.getElementById('seq-zoom');
  if(zoom){zoom.addEventListener('input',function(){
    pages.forEach(function(p){p.style.width=(p.viewBox.baseVal.width*zoom.value/100)+'px';});
  });}
  show(0);
  document.documentElement.setAttribute('data-seq-ready',String(pages.length));
})();
