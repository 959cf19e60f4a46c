// The process modeler page (/admin/modeler): bpmn-js's Modeler in the user's language (modeler/translate.js), with
// Shenpi's properties panel (modeler/properties/: only what the engine runs), lint rules that mirror the engine's
// validation (src/.bpmnlintrc, compiled by build.mjs) and the token simulation; open, validate (the engine), deploy
// with a change note, and download a BPMN diagram.
// Texts of the page come from its data-msg-* attributes (translated on the server).
// Only this page loads this entry; the pages that merely show a diagram load diagram.js (the viewer).
import BpmnModeler from 'bpmn-js/lib/Modeler';
import { BpmnPropertiesPanelModule, BpmnPropertiesProviderModule } from 'bpmn-js-properties-panel';
import lintModule from 'bpmn-js-bpmnlint';
import bpmnlintConfig from 'bpmnlint-config';
import camundaModdle from 'camunda-bpmn-moddle/resources/camunda.json';

import ShenpiPropertiesModule from './modeler/properties/index';
import shenpiModdle from './modeler/shenpi-moddle.json';
import SimulationModule from './modeler/simulation';
import SupportedElementsModule from './modeler/supported';
import translateModule from './modeler/translate';

function createModeler(container, panel, shenpi) {
  return new BpmnModeler({
    container,
    propertiesPanel: { parent: panel },
    linting: { bpmnlint: bpmnlintConfig, active: true },
    shenpi,
    additionalModules: [
      BpmnPropertiesPanelModule,
      BpmnPropertiesProviderModule,
      ShenpiPropertiesModule,
      lintModule,
      SimulationModule,
      SupportedElementsModule,
      translateModule(document.documentElement.lang)
    ],
    // camunda: the form fields of a step (camunda:formData, which the engine reads); shenpi: outcome, timer role
    // and escalation (engine/definitions/outcomes.py, step_settings.py).
    moddleExtensions: { camunda: camundaModdle, shenpi: shenpiModdle }
  });
}

function start(root) {
  var data = root.dataset;
  var csrfToken = document.querySelector('meta[name="csrf-token"]').getAttribute('content');
  var modeler = createModeler(document.getElementById('canvas'), document.getElementById('properties'),
    { unitsUrl: data.unitsUrl, checkUrl: data.checkUrl, csrfToken: csrfToken });
  var statusBox = document.getElementById('modeler-status');
  var problemsPanel = document.getElementById('problems-panel');
  var problemList = document.getElementById('problems');
  var problemCount = document.getElementById('problem-count');
  var filename = data.filename || 'process.bpmn';
  var dirty = false;
  var openedXml = null;   // the file as opened: validated and deployed as it is until the diagram is edited
  var marked = [];

  function text(name, values) {
    var message = data['msg' + name] || '';
    Object.keys(values || {}).forEach(function (key) { message = message.replace('{' + key + '}', values[key]); });
    return message;
  }

  function showStatus(kind, message, link) {
    statusBox.hidden = false;
    statusBox.className = 'modeler-status alert alert-' + kind;
    statusBox.textContent = message;
    if (link) {
      var anchor = document.createElement('a');
      anchor.href = link.href;
      anchor.textContent = link.label;
      statusBox.appendChild(document.createTextNode(' '));
      statusBox.appendChild(anchor);
    }
  }

  function setBusy(busy) {
    ['validate-button', 'deploy-button'].forEach(function (id) { document.getElementById(id).disabled = busy; });
  }

  // -- markers and the problem list --------------------------------------------------------------------------

  function shapeFor(elementId) {
    var registry = modeler.get('elementRegistry');
    if (!elementId) return null;
    var element = registry.get(elementId);
    if (element) return element;
    // A process drawn as a pool: the problem names the process, the canvas shows its participant.
    return registry.find(function (candidate) {
      var bo = candidate.businessObject;
      return bo && bo.processRef && bo.processRef.id === elementId;
    }) || null;
  }

  function clearProblems() {
    var canvas = modeler.get('canvas');
    marked.forEach(function (id) { canvas.removeMarker(id, 'invalid'); });
    marked = [];
    problemList.textContent = '';
    problemsPanel.hidden = true;
  }

  function showProblems(problems) {
    clearProblems();
    if (!problems || !problems.length) return;
    var canvas = modeler.get('canvas');
    problems.forEach(function (problem) {
      var shape = shapeFor(problem.element);
      if (shape && marked.indexOf(shape.id) < 0) {
        canvas.addMarker(shape.id, 'invalid');
        marked.push(shape.id);
      }
      var item = document.createElement('li');
      if (problem.element) {
        var button = document.createElement('button');
        button.type = 'button';
        button.className = 'problem-element';
        button.dataset.element = shape ? shape.id : '';
        button.textContent = problem.element;
        button.disabled = !shape;
        item.appendChild(button);
        if (!shape) item.appendChild(document.createTextNode(text('NotInDiagram')));
        item.appendChild(document.createTextNode(' '));
      }
      var message = document.createElement('span');
      message.textContent = problem.message;
      item.appendChild(message);
      if (problem.line) {
        var line = document.createElement('span');
        line.className = 'muted small';
        line.textContent = ' · ' + text('Line', { n: problem.line });
        item.appendChild(line);
      }
      problemList.appendChild(item);
    });
    problemCount.textContent = String(problems.length);
    problemsPanel.hidden = false;
  }

  problemList.addEventListener('click', function (event) {
    var button = event.target.closest('button[data-element]');
    if (!button || !button.dataset.element) return;
    var shape = modeler.get('elementRegistry').get(button.dataset.element);
    if (!shape) return;
    modeler.get('selection').select(shape);
    modeler.get('canvas').scrollToElement(shape);
  });

  // -- opening ----------------------------------------------------------------------------------------------

  function open(xml) {
    clearProblems();
    openedXml = xml;
    return modeler.importXML(xml).then(function (result) {
      var canvas = modeler.get('canvas');
      canvas.zoom('fit-viewport', 'auto');
      canvas.zoom(canvas.zoom() * 0.92, 'auto');   // leave room for the palette on the left
      canvas.scroll({ dx: 30, dy: 0 });
      dirty = false;
      var warnings = (result && result.warnings) || [];
      if (warnings.length) showStatus('warning', text('ImportWarnings', { n: warnings.length }));
      else showStatus('info', text('Opened'));
    }).catch(function (error) {
      showStatus('error', text('LoadFailed') + ' ' + (error && error.message ? error.message : error));
    });
  }

  function load(url) {
    showStatus('info', text('Loading'));
    return fetch(url, { credentials: 'same-origin' }).then(function (response) {
      if (!response.ok) throw new Error(response.status + ' ' + response.statusText);
      return response.text();
    }).then(open).catch(function (error) {
      showStatus('error', text('LoadFailed') + ' ' + error.message);
    });
  }

  document.getElementById('upload-file').addEventListener('change', function (event) {
    var file = event.target.files[0];
    event.target.value = '';
    if (!file) return;
    if (file.size > Number(data.maxUpload)) {
      showStatus('error', text('TooLarge', { kb: Math.floor(Number(data.maxUpload) / 1024) }));
      return;
    }
    var form = new FormData();
    form.append('file', file);
    post(data.uploadUrl, form).then(function (reply) {
      if (!reply.ok) { showStatus('error', reply.body.message || text('Network')); return; }
      filename = reply.body.filename || filename;
      open(reply.body.xml).then(function () {
        dirty = true;
        showStatus('info', text('Uploaded'));
      });
    });
  });

  // -- validate, deploy, download ------------------------------------------------------------------------------

  function post(url, body) {
    return fetch(url, {
      method: 'POST', body: body, credentials: 'same-origin',
      headers: body instanceof FormData ? { 'X-CSRFToken': csrfToken }
        : { 'X-CSRFToken': csrfToken, 'Content-Type': 'application/xml' }
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (json) {
        return { ok: response.ok, status: response.status, body: json };
      });
    }).catch(function () {
      return { ok: false, status: 0, body: { message: text('Network') } };
    });
  }

  function currentXml() {
    if (!dirty && openedXml !== null) return Promise.resolve(openedXml);
    return modeler.saveXML({ format: true }).then(function (result) { return result.xml; });
  }

  function exportFailed(error) {
    showStatus('error', text('ExportFailed') + ' ' + (error && error.message ? error.message : error));
    return { ok: false, body: { problems: [] }, failed: true };
  }

  function withFilename(url) {
    return url + (url.indexOf('?') < 0 ? '?' : '&') + 'filename=' + encodeURIComponent(filename);
  }

  document.getElementById('validate-button').addEventListener('click', function () {
    setBusy(true);
    showStatus('info', text('Validating'));
    currentXml().then(function (xml) { return post(withFilename(data.validateUrl), xml); }, exportFailed).then(function (reply) {
      if (reply.failed) return;
      if (!reply.ok) { showStatus('error', reply.body.message || text('Network')); showProblems(reply.body.problems); return; }
      var warnings = reply.body.valid ? reply.body.warnings || [] : [];
      showProblems(warnings.length ? warnings : reply.body.problems);
      if (warnings.length) showStatus('warning', text('ValidWithWarnings', { n: warnings.length }));
      else if (reply.body.valid) showStatus('success', text('Valid'));
      else showStatus('error', text('Invalid', { n: reply.body.problems.length }));
    }).finally(function () { setBusy(false); });
  });

  // Deploying asks for a change note (shown on the versions page), then validates and deploys.
  var deployDialog = document.getElementById('deploy-dialog');
  var noteInput = document.getElementById('change-note');

  document.getElementById('deploy-button').addEventListener('click', function () {
    noteInput.value = '';
    deployDialog.showModal();
    noteInput.focus();
  });

  deployDialog.addEventListener('close', function () {
    if (deployDialog.returnValue !== 'deploy') return;
    var note = noteInput.value.trim();
    if (!note) { showStatus('error', text('NoteRequired')); return; }
    deploy(note);
  });

  function deploy(note) {
    setBusy(true);
    showStatus('info', text('Deploying'));
    var deployedXml = null;
    var url = withFilename(data.deployUrl) + '&note=' + encodeURIComponent(note);
    currentXml().then(function (xml) { deployedXml = xml; return post(url, xml); }, exportFailed).then(function (reply) {
      if (reply.failed) return;
      showProblems(reply.body.problems);
      if (reply.ok && reply.body.deployed) {
        dirty = false;
        openedXml = deployedXml;
        showVersion(reply.body);
        root.dataset.deployedVersion = String(reply.body.version);
        showStatus('success', reply.body.message, { href: reply.body.versions_url, label: text('Versions') });
      } else {
        showStatus('error', reply.body.message || text('Network'));
      }
    }).finally(function () { setBusy(false); });
  }

  // The title, the flow picker and the address follow the version just deployed.
  function showVersion(deployed) {
    document.getElementById('modeler-source').textContent = deployed.label;
    var picker = document.getElementById('open-flow');
    var group = Array.prototype.find.call(picker.querySelectorAll('optgroup'), function (candidate) {
      return candidate.dataset.key === deployed.key;
    });
    if (!group) {
      group = document.createElement('optgroup');
      group.dataset.key = deployed.key;
      picker.appendChild(group);
    }
    group.label = deployed.name + '（' + deployed.key + '）';
    group.textContent = '';
    deployed.versions.slice().reverse().forEach(function (version, index) {
      var option = document.createElement('option');
      option.value = index === 0 ? deployed.key : deployed.key + '@' + version;
      option.textContent = deployed.name + ' · ' + (index === 0 ? data.latestLabel + ' ' : '') + 'v' + version;
      group.appendChild(option);
    });
    picker.value = deployed.key;
    if (deployed.flow_url && window.history && window.history.replaceState) {
      window.history.replaceState(null, '', deployed.flow_url);
    }
  }

  // -- token simulation ---------------------------------------------------------------------------------------------

  var simulateButton = document.getElementById('simulate-button');
  simulateButton.addEventListener('click', function () {
    modeler.get('toggleMode').toggleMode();
  });
  modeler.on('tokenSimulation.toggleMode', function (event) {
    simulateButton.setAttribute('aria-pressed', event.active ? 'true' : 'false');
    simulateButton.classList.toggle('primary', event.active);
    ['validate-button', 'deploy-button'].forEach(function (id) { document.getElementById(id).disabled = event.active; });
    if (event.active) showStatus('info', text('Simulating'));
    else statusBox.hidden = true;
  });

  document.getElementById('download-button').addEventListener('click', function () {
    currentXml().then(function (xml) {
      var anchor = document.createElement('a');
      anchor.href = URL.createObjectURL(new Blob([xml], { type: 'application/xml' }));
      anchor.download = filename;
      document.body.appendChild(anchor);
      anchor.click();
      setTimeout(function () { URL.revokeObjectURL(anchor.href); anchor.remove(); }, 0);
    }, exportFailed);
  });

  // -- unsaved changes --------------------------------------------------------------------------------------------

  modeler.on('commandStack.changed', function () { dirty = true; });
  window.addEventListener('beforeunload', function (event) {
    if (!dirty) return undefined;
    event.preventDefault();
    event.returnValue = '';
    return '';
  });

  load(data.sourceUrl);
}

const root = document.getElementById('modeler');
if (root) start(root);
