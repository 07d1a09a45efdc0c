function handler(event) {
  var request = event.request;
  var uri = request.uri;
  var name = uri.substring(uri.lastIndexOf('/') + 1);
  if (name.indexOf('.') === -1) request.uri = '/index.html';
  return request;
}
