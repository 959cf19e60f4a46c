// The Shenpi properties provider: instead of Camunda's generic one, the panel shows only what the engine runs —
// a step's lane (unit and post), form fields and escalation; timers in working days; the conditions of a gateway's
// flows; an end event's case outcome. Of the standard BPMN groups it keeps name/id, documentation and multi-instance.
import { Group } from '@bpmn-io/properties-panel';
import { getBusinessObject, is, isAny } from 'bpmn-js/lib/util/ModelUtil';

import { BRANCHING, conditionEntries, hasCondition } from './condition';
import { CONNECTOR_TYPES, connectorEntries } from './connector';
import { laneEntries } from './lane';
import { messageEntries, messageHolder } from './message';
import { outcomeEntries } from './outcome';
import { escalationEntries, formEntries, stepLaneEntries } from './step';
import { stepTimerEntries } from './step-timers';
import { timerDefinition, timerEntries } from './timer';
import { STEP_TYPES } from './util';
import ShenpiServer from '../server';

const KEPT = [ 'general', 'documentation', 'multiInstance' ];
const LOW_PRIORITY = 500;   // after the standard BPMN provider, whose groups it filters

export function ShenpiPropertiesProvider(propertiesPanel, translate, elementRegistry) {
  this._translate = translate;
  this._elementRegistry = elementRegistry;
  propertiesPanel.registerProvider(LOW_PRIORITY, this);
}

ShenpiPropertiesProvider.$inject = [ 'propertiesPanel', 'translate', 'elementRegistry' ];

ShenpiPropertiesProvider.prototype.getGroups = function(element) {
  return (groups) => {
    const kept = groups.filter((group) => KEPT.includes(group.id));
    const at = kept.findIndex((group) => group.id === 'general') + 1;
    kept.splice(at, 0, ...this._groups(element));
    return kept;
  };
};

ShenpiPropertiesProvider.prototype._groups = function(element) {
  const translate = this._translate;
  const group = (id, label, entries) => ({ id, label: translate(label), entries, component: Group });
  const groups = [];
  if (isAny(element, STEP_TYPES)) {
    groups.push(group('shenpi-step', 'Who handles the step', stepLaneEntries(element, this._elementRegistry)));
    groups.push(group('shenpi-form', 'Form fields', formEntries(element)));
    groups.push(group('shenpi-step-timers', 'Time limit', stepTimerEntries(element)));
    groups.push(group('shenpi-escalation', 'When the limit passes', escalationEntries(element)));
  }
  if (is(element, 'bpmn:Lane')) {
    groups.push(group('shenpi-lane', 'Who handles the steps of this lane', laneEntries(element, element)));
  }
  if (timerDefinition(element)) {
    groups.push(group('shenpi-timer', 'Timer', timerEntries(element)));
  }
  if (isAny(element, BRANCHING) && (getBusinessObject(element).get('outgoing') || []).length > 1) {
    groups.push(group('shenpi-conditions', 'Conditions of the paths', conditionEntries(element, this._elementRegistry)));
  }
  if (hasCondition(element)) {
    groups.push(group('shenpi-conditions', 'Condition', conditionEntries(element, this._elementRegistry)));
  }
  if (isAny(element, CONNECTOR_TYPES) || messageThrow(element)) {
    groups.push(group('shenpi-connector', 'External service call', connectorEntries(element)));
  }
  if (messageHolder(element)) {
    groups.push(group('shenpi-message', 'Message waited for', messageEntries(element)));
  }
  if (is(element, 'bpmn:EndEvent') && !(getBusinessObject(element).get('eventDefinitions') || [])
    .some((definition) => is(definition, 'bpmn:TerminateEventDefinition'))) {
    groups.push(group('shenpi-outcome', 'Case outcome', outcomeEntries(element)));
  }
  return groups;
};

// A message throw or message end event sends its message through the same connector (written on the event itself).
function messageThrow(element) {
  return isAny(element, [ 'bpmn:IntermediateThrowEvent', 'bpmn:EndEvent' ]) &&
    (getBusinessObject(element).get('eventDefinitions') || [])
      .some((definition) => is(definition, 'bpmn:MessageEventDefinition'));
}

export default {
  __init__: [ 'shenpiPropertiesProvider' ],
  shenpiPropertiesProvider: [ 'type', ShenpiPropertiesProvider ],
  shenpiServer: [ 'type', ShenpiServer ]
};
