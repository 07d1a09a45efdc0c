var PREFIX = '/media/';
var SEGMENT = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

function handler(event) {
  var request = event.request;
  var uri = request.uri;
  if (uri.indexOf(PREFIX) !== 0) return notFound();
  var key = uri.substring(PREFIX.length);
  var segments = key.split('/');
  // renditions/{owner}/{media}/{name}.{ext}, the name possibly nested (hls/720p.m3u8)
  if (segments.length < 4 || segments[0] !== 'renditions') return notFound();
  for (var i = 1; i < segments.length; i++) {
    if (!SEGMENT.test(segments[i])) return notFound();
  }
  request.uri = '/' + key;
  request.querystring = {};
  return request;
}

function notFound() {
  return { statusCode: 404, statusDescription: 'Not Found', headers: { 'cache-control': { value: 'no-store' } } };
}
