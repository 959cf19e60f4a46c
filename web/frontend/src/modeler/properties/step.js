// A step (user task): who handles it (its lane), its form fields as a table (camunda:formData, which the engine
// reads), and what happens when its limit passes (shenpi:escalation).
import { h } from '@bpmn-io/properties-panel/preact';
import { CheckboxEntry } from '@bpmn-io/properties-panel';
import { useService } from 'bpmn-js-properties-panel';
import { getBusinessObject } from 'bpmn-js/lib/util/ModelUtil';

import { laneEntries } from './lane';
import { ensureFormData, execute, extension, laneOf, updateCommand, useModelChanges } from './util';

export const FIELD_TYPES = [
  [ 'string', 'Text' ], [ 'long', 'Whole number' ], [ 'boolean', 'Yes/no' ], [ 'date', 'Date' ],
  [ 'enum', 'Choice' ], [ 'users', 'Accounts' ]
];
export const ESCALATION_ACTIONS = [
  [ 'notify_assignee', 'Notify the official holding the step' ],
  [ 'notify_head', 'Notify the head of the department' ],
  [ 'raise_to_head', 'Raise the step in the heads\' inbox' ],
  [ 'reassign_backup', 'Pass the step to the official\'s backup (AB岗)' ],
  [ 'open_supervision_item', 'Open a supervision item (督办)' ]
];
const FIELD_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

// -- who handles the step -------------------------------------------------------------------------------------

export function stepLaneEntries(element, elementRegistry) {
  const lane = laneOf(element, elementRegistry);
  const entries = [ { id: 'shenpi-step-lane', component: StepLane, element, lane } ];
  return lane ? entries.concat(laneEntries(element, lane)) : entries;
}

function StepLane(props) {
  const { lane } = props;
  const translate = useService('translate');
  useModelChanges();
  return (
    <div class="bio-properties-panel-entry shenpi-note" data-entry-id="shenpi-step-lane">
      {lane
        ? translate('Handled in the lane {name}; choosing below renames the lane for all of its steps.',
          { name: getBusinessObject(lane).get('name') || translate('(unnamed)') })
        : translate('This step is in no lane: put it into a lane of the pool (the engine needs to know who handles it).')}
    </div>
  );
}

// -- the form -------------------------------------------------------------------------------------------------

export function formEntries(element) {
  return [ { id: 'shenpi-form-fields', component: FormTable, element } ];
}

function FormTable(props) {
  const { element } = props;
  const translate = useService('translate');
  const commandStack = useService('commandStack');
  const bpmnFactory = useService('bpmnFactory');
  useModelChanges();
  const businessObject = getBusinessObject(element);
  const formData = extension(businessObject, 'camunda:FormData');
  const fields = (formData && formData.get('fields')) || [];
  const ids = fields.map((field) => field.get('id'));

  const update = (field, properties) => execute(commandStack, [ updateCommand(element, field, properties) ]);

  const add = () => {
    const { formData: target, commands } = ensureFormData(element, bpmnFactory);
    let n = fields.length + 1;
    while (ids.includes('field' + n)) n++;
    const field = bpmnFactory.create('camunda:FormField', { id: 'field' + n, label: '', type: 'string' });
    field.$parent = target;
    commands.push(updateCommand(element, target, { fields: [ ...((target.get('fields')) || []), field ] }));
    execute(commandStack, commands);
  };

  const remove = (field) => {
    const rest = fields.filter((candidate) => candidate !== field);
    if (rest.length) {
      execute(commandStack, [ updateCommand(element, formData, { fields: rest }) ]);
      return;
    }
    // An empty camunda:formData is refused by the engine: the step then has no form.
    const extensionElements = businessObject.get('extensionElements');
    execute(commandStack, [ updateCommand(element, extensionElements, {
      values: extensionElements.get('values').filter((value) => value !== formData)
    }) ]);
  };

  const setType = (field, type) => {
    const properties = { type };
    if (type !== 'enum') properties.values = [];
    update(field, properties);
  };

  const setOptions = (field, text) => {
    const values = parseOptions(text).map(([ id, name ]) => {
      const value = bpmnFactory.create('camunda:Value', { id, name });
      value.$parent = field;
      return value;
    });
    update(field, { values });
  };

  const setRequired = (field, required) => {
    let validation = field.get('validation');
    const commands = [];
    if (!validation) {
      validation = bpmnFactory.create('camunda:Validation', { constraints: [] });
      validation.$parent = field;
      commands.push(updateCommand(element, field, { validation }));
    }
    const others = (validation.get('constraints') || []).filter((constraint) => constraint.get('name') !== 'required');
    if (required) {
      const constraint = bpmnFactory.create('camunda:Constraint', { name: 'required' });
      constraint.$parent = validation;
      others.unshift(constraint);
    }
    commands.push(updateCommand(element, validation, { constraints: others }));
    execute(commandStack, commands);
  };

  return (
    <div class="bio-properties-panel-entry shenpi-form" data-entry-id="shenpi-form-fields">
      <p class="shenpi-note">{translate('What the official fills in at this step; gateways read the values by field name.')}</p>
      {fields.length > 0 && (
        <table class="shenpi-form-table">
          <thead>
            <tr>
              <th>{translate('Field name')}</th><th>{translate('Label')}</th><th>{translate('Type')}</th>
              <th>{translate('Options')}</th><th>{translate('Required')}</th><th></th>
            </tr>
          </thead>
          <tbody>
            {fields.map((field, index) => {
              const id = field.get('id') || '';
              const problem = !FIELD_NAME.test(id) ? translate('Letters, digits and _, starting with a letter')
                : ids.indexOf(id) !== index ? translate('Two fields have this name') : null;
              const isEnum = field.get('type') === 'enum';
              return (
                <tr key={index} class={problem ? 'has-error' : ''} data-field-index={index}>
                  <td>
                    <input class="field-id" value={id} aria-label={translate('Field name')} title={problem || ''}
                      onChange={(event) => update(field, { id: event.target.value.trim() })} />
                    {problem && <div class="bio-properties-panel-error">{problem}</div>}
                  </td>
                  <td>
                    <input class="field-label" value={field.get('label') || ''} aria-label={translate('Label')}
                      onChange={(event) => update(field, { label: event.target.value.trim() })} />
                  </td>
                  <td>
                    <select class="field-type" aria-label={translate('Type')}
                      onChange={(event) => setType(field, event.target.value)}>
                      {FIELD_TYPES.map(([ value, label ]) => (
                        <option value={value} selected={(field.get('type') || 'string') === value}>{translate(label)}</option>
                      ))}
                    </select>
                  </td>
                  <td>
                    <input class="field-options" value={formatOptions(field)} disabled={!isEnum}
                      aria-label={translate('Options')} placeholder={isEnum ? 'approve=同意, deny=不同意' : ''}
                      onChange={(event) => setOptions(field, event.target.value)} />
                    {isEnum && !(field.get('values') || []).length &&
                      <div class="bio-properties-panel-error">{translate('A choice needs options')}</div>}
                  </td>
                  <td class="center">
                    <input type="checkbox" class="field-required" checked={isRequired(field)}
                      aria-label={translate('Required')} onChange={(event) => setRequired(field, event.target.checked)} />
                  </td>
                  <td>
                    <button type="button" class="shenpi-icon-button field-delete" title={translate('Delete field')}
                      onClick={() => remove(field)}>×</button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <button type="button" class="shenpi-button field-add" onClick={add}>{translate('Add field')}</button>
    </div>
  );
}

function isRequired(field) {
  const validation = field.get('validation');
  return !!validation && (validation.get('constraints') || []).some((constraint) => constraint.get('name') === 'required');
}

function formatOptions(field) {
  return (field.get('values') || []).map((value) => {
    const id = value.get('id') || '';
    const name = value.get('name') || '';
    return name && name !== id ? id + '=' + name : id;
  }).join(', ');
}

// "approve=同意, deny=不同意" → [[approve, 同意], [deny, 不同意]]; commas, Chinese commas, semicolons or new lines.
export function parseOptions(text) {
  return (text || '').split(/[,，;；\n]+/).map((part) => part.trim()).filter(Boolean).map((part) => {
    const at = part.search(/[=＝:：]/);
    return at < 0 ? [ part, part ] : [ part.slice(0, at).trim(), part.slice(at + 1).trim() || part.slice(0, at).trim() ];
  }).filter(([ id ]) => id);
}

// -- escalation ------------------------------------------------------------------------------------------------

export function escalationEntries(element) {
  return ESCALATION_ACTIONS.map(([ action, label ]) => ({
    id: 'shenpi-escalation-' + action, component: EscalationAction, element, action, label
  }));
}

function chosenActions(businessObject) {
  const value = businessObject.get('shenpi:escalation');
  if (value === undefined || value === null) return ESCALATION_ACTIONS.map(([ action ]) => action);   // the default
  return value.split(/\s+/).filter((action) => action && action !== 'none');
}

function EscalationAction(props) {
  const { element, id, action, label } = props;
  const translate = useService('translate');
  const modeling = useService('modeling');
  const businessObject = getBusinessObject(element);
  const setValue = (checked) => {
    const chosen = chosenActions(businessObject).filter((candidate) => candidate !== action);
    if (checked) chosen.push(action);
    const ordered = ESCALATION_ACTIONS.map(([ known ]) => known).filter((known) => chosen.includes(known));
    const all = ordered.length === ESCALATION_ACTIONS.length;
    modeling.updateProperties(element, { 'shenpi:escalation': all ? undefined : (ordered.join(' ') || 'none') });
  };
  return CheckboxEntry({
    element, id, label: translate(label), getValue: () => chosenActions(businessObject).includes(action), setValue,
    description: action === 'open_supervision_item'
      ? translate('When the step\'s limit timer fires. The matter\'s catalogue entry may set this step otherwise.')
      : undefined
  });
}
