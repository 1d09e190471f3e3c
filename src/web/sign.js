// The send page's signing, in the browser: the sender's key file (as
// `baocao account key generate` writes it: {db, username, key_id, secret}) is read
// here and never leaves this machine. The canonical document is signed with
// WebCrypto Ed25519 and only the signature (hex) and the key's id are posted; the
// server checks them against the sender's registered public key.
// The page's words come from the form's data attributes, in the reader's language.
(function () {
  'use strict';
  var form = document.getElementById('send-form');
  var button = document.getElementById('sign-button');
  var picker = document.getElementById('key-file');
  var status = document.getElementById('sign-status');
  if (!form || !button || !picker || !status) {
    return;
  }
  var words = form.dataset;
  // PKCS#8 PrivateKeyInfo for Ed25519 (RFC 8410) up to the 32-byte seed.
  var PKCS8_ED25519 = '302e020100300506032b657004220420';

  function say(text, isError) {
    status.textContent = text;
    status.className = isError ? 'error' : 'progress';
    status.hidden = false;
  }

  function Refusal(text) {
    this.text = text;
  }

  function fromHex(hex) {
    var out = new Uint8Array(hex.length / 2);
    for (var i = 0; i < out.length; i++) {
      out[i] = parseInt(hex.substr(i * 2, 2), 16);
    }
    return out;
  }

  function toHex(buffer) {
    var bytes = new Uint8Array(buffer);
    var out = '';
    for (var i = 0; i < bytes.length; i++) {
      out += (bytes[i] < 16 ? '0' : '') + bytes[i].toString(16);
    }
    return out;
  }

  // The canonical document's exact bytes (UTF-8), carried in base64.
  function canonicalBytes() {
    var binary = atob(words.canonical || '');
    var out = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) {
      out[i] = binary.charCodeAt(i);
    }
    return out;
  }

  function keyOf(text) {
    var key = null;
    try {
      key = JSON.parse(text);
    } catch (e) {
      key = null;
    }
    if (!key || typeof key !== 'object' || typeof key.secret !== 'string' ||
        !/^[0-9a-fA-F]{64}$/.test(key.secret) ||
        !(typeof key.key_id === 'number' && Math.floor(key.key_id) === key.key_id)) {
      throw new Refusal(words.msgNotKey);
    }
    if (words.user && typeof key.username === 'string' && key.username !== words.user) {
      throw new Refusal(words.msgOtherUser);
    }
    return key;
  }

  function sign() {
    var file = picker.files && picker.files[0];
    if (!file) {
      say(words.msgNoFile, true);
      picker.focus();
      return;
    }
    if (!window.crypto || !window.crypto.subtle || !window.isSecureContext) {
      say(words.msgNoCrypto, true);
      return;
    }
    button.disabled = true;
    say(words.msgSigning, false);
    var key;
    file.text()
      .then(function (text) {
        key = keyOf(text);
        return window.crypto.subtle
          .importKey('pkcs8', fromHex(PKCS8_ED25519 + key.secret), { name: 'Ed25519' }, false, ['sign'])
          .catch(function (e) {
            // A browser without Ed25519 says NotSupportedError (or names no such algorithm).
            if (e && (e.name === 'NotSupportedError' || e.name === 'SyntaxError' || e.name === 'TypeError')) {
              throw new Refusal(words.msgNoCrypto);
            }
            throw e;
          });
      })
      .then(function (privateKey) {
        return window.crypto.subtle.sign({ name: 'Ed25519' }, privateKey, canonicalBytes());
      })
      .then(function (signature) {
        form.elements.namedItem('signature').value = toHex(signature);
        form.elements.namedItem('key_id').value = String(key.key_id);
        form.submit();
      })
      .catch(function (e) {
        button.disabled = false;
        if (e instanceof Refusal) {
          say(e.text, true);
        } else {
          say(words.msgFailed + ' ' + (e && e.message ? e.message : String(e)), true);
        }
      });
  }

  button.addEventListener('click', sign);
})();
