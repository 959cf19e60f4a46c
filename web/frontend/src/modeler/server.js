// What the properties panel asks the server (config.shenpi: the URLs and the page's CSRF token): the unit tree with
// each unit's posts, and the engine's check of a condition. Answers are kept while the page is open.

export default function ShenpiServer(config) {
  this._config = config || {};
  this._units = null;
  this._checks = new Map();
}

ShenpiServer.$inject = [ 'config.shenpi' ];

ShenpiServer.prototype.units = function() {
  if (!this._units) {
    this._units = fetch(this._config.unitsUrl, { credentials: 'same-origin' })
      .then(function(response) {
        if (!response.ok) throw new Error(response.status + ' ' + response.statusText);
        return response.json();
      })
      .catch((error) => {
        this._units = null;   // ask again next time
        throw error;
      });
  }
  return this._units;
};

// The engine's verdict on a condition: { valid, message, line, unknown }.
ShenpiServer.prototype.checkExpression = function(expression, fields) {
  var key = expression + '\u0000' + fields.join(',');
  if (this._checks.has(key)) return this._checks.get(key);
  var answer = fetch(this._config.checkUrl, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', 'X-CSRFToken': this._config.csrfToken },
    body: JSON.stringify({ expression: expression, fields: fields })
  }).then(function(response) {
    return response.json().then(function(body) {
      if (!response.ok) return { valid: false, message: (body.error && body.error.message) || response.statusText };
      return body;
    });
  }).catch((error) => {
    this._checks.delete(key);
    return { valid: false, message: String(error && error.message || error), offline: true };
  });
  this._checks.set(key, answer);
  return answer;
};
