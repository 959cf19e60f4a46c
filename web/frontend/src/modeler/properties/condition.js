// The conditions of the flows leaving a gateway, edited with the names of the form fields filled in before it and
// checked as the administrator types by the engine's own expression checker (the server's check endpoint).
import { h } from '@bpmn-io/properties-panel/preact';
import { useEffect, useState } from '@bpmn-io/properties-panel/preact/hooks';
import { CheckboxEntry, TextAreaEntry, isTextAreaEntryEdited } from '@bpmn-io/properties-panel';
import { useService } from 'bpmn-js-properties-panel';
import { getBusinessObject, is, isAny } from 'bpmn-js/lib/util/ModelUtil';

import { fieldsBefore, quoted, useModelChanges } from './util';

export const BRANCHING = [ 'bpmn:ExclusiveGateway', 'bpmn:InclusiveGateway' ];

export function hasCondition(flow) {
  return is(flow, 'bpmn:SequenceFlow') && isAny(getBusinessObject(flow).get('sourceRef'), BRANCHING);
}

// For a gateway: one set of entries per outgoing flow. For a flow: its own.
export function conditionEntries(element, elementRegistry) {
  const flows = is(element, 'bpmn:SequenceFlow') ? [ element ]
    : (getBusinessObject(element).get('outgoing') || []).map((flow) => elementRegistry.get(flow.id)).filter(Boolean);
  const entries = [];
  flows.forEach((flow) => {
    const key = getBusinessObject(flow).get('id');
    entries.push(
      { id: 'shenpi-condition-' + key, component: ConditionEditor, element, flow, isEdited: isTextAreaEntryEdited },
      { id: 'shenpi-default-' + key, component: DefaultFlow, element, flow });
  });
  return entries;
}

function conditionOf(flow) {
  const expression = getBusinessObject(flow).get('conditionExpression');
  return (expression && expression.get('body')) || '';
}

function ConditionEditor(props) {
  const { element, flow, id } = props;
  const translate = useService('translate');
  const debounce = useService('debounceInput');
  const modeling = useService('modeling');
  const bpmnFactory = useService('bpmnFactory');
  const server = useService('shenpiServer');
  useModelChanges();
  const flowObject = getBusinessObject(flow);
  const gateway = flowObject.get('sourceRef');
  const isDefault = gateway.get('default') === flowObject;
  const fields = fieldsBefore(gateway);
  const body = conditionOf(flow);
  const [ verdict, setVerdict ] = useState(null);

  useEffect(() => {
    let live = true;
    if (!body.trim()) { setVerdict(null); return undefined; }
    server.checkExpression(body, fields.map((field) => field.id)).then((answer) => live && setVerdict(answer));
    return () => { live = false; };
  }, [ body, fields.map((field) => field.id).join(',') ]);

  const write = (text) => {
    const value = (text || '').trim();
    const conditionExpression = value ? bpmnFactory.create('bpmn:FormalExpression', { body: value }) : undefined;
    modeling.updateProperties(flow, { conditionExpression });
  };
  const target = flowObject.get('targetRef');
  const label = translate('To {target}', { target: (target && (target.get('name') || target.get('id'))) || '?' });
  if (isDefault) {
    return (
      <div class="bio-properties-panel-entry shenpi-flow" data-entry-id={id}>
        <div class="shenpi-flow-title">{label}</div>
        <div class="shenpi-note">{translate('The default path: taken when no other condition holds.')}</div>
      </div>
    );
  }
  return (
    <div class="shenpi-flow" data-flow-id={flowObject.get('id')}>
      <div class="shenpi-flow-title">{label}</div>
      <ConditionBuilder fields={fields} write={write} id={id} />
      {h(TextAreaEntry, {
        element, id, label: translate('Condition'), getValue: () => body, setValue: write, debounce,
        description: fields.length ? translate('Form fields before this gateway: {names}',
          { names: fields.map((field) => field.id + (field.label ? '（' + field.label + '）' : '')).join(', ') })
          : translate('No step before this gateway has a form field.')
      })}
      {verdict && (
        <div class={'shenpi-check ' + (!verdict.valid ? 'error' : verdict.unknown && verdict.unknown.length ? 'warning' : 'ok')}
          data-check-for={flowObject.get('id')} role="status">{verdict.message}</div>
      )}
    </div>
  );
}

// Field, comparison and value picked from the form: writes `field == "value"` into the condition.
function ConditionBuilder(props) {
  const { fields, write, id } = props;
  const translate = useService('translate');
  const [ fieldId, setFieldId ] = useState('');
  const [ operator, setOperator ] = useState('==');
  const [ value, setValue ] = useState('');
  if (!fields.length) return null;
  const field = fields.find((candidate) => candidate.id === fieldId) || fields[0];
  const literal = (text) => field.type === 'long' && /^-?\d+$/.test(text) ? text
    : field.type === 'boolean' ? (text === 'true' ? 'True' : 'False') : quoted(text);
  const apply = () => {
    const chosen = value || (field.options[0] && field.options[0].id) || (field.type === 'boolean' ? 'true' : '');
    write(field.id + ' ' + operator + ' ' + literal(chosen));
  };
  return (
    <div class="shenpi-builder" data-builder-for={id}>
      <select class="builder-field" aria-label={translate('Form field')}
        onChange={(event) => { setFieldId(event.target.value); setValue(''); }}>
        {fields.map((candidate) => (
          <option value={candidate.id} selected={candidate.id === field.id}>
            {candidate.label ? candidate.label + '（' + candidate.id + '）' : candidate.id}
          </option>
        ))}
      </select>
      <select class="builder-operator" aria-label={translate('Comparison')} onChange={(event) => setOperator(event.target.value)}>
        <option value="==" selected={operator === '=='}>{translate('is')}</option>
        <option value="!=" selected={operator === '!='}>{translate('is not')}</option>
      </select>
      {field.type === 'enum' || field.type === 'boolean' ? (
        <select class="builder-value" aria-label={translate('Value')} onChange={(event) => setValue(event.target.value)}>
          {(field.type === 'boolean'
            ? [ { id: 'true', name: translate('yes') }, { id: 'false', name: translate('no') } ] : field.options
          ).map((option) => (
            <option value={option.id} selected={option.id === value}>{option.name && option.name !== option.id
              ? option.name + '（' + option.id + '）' : option.id}</option>
          ))}
        </select>
      ) : (
        <input class="builder-value" aria-label={translate('Value')} value={value}
          onInput={(event) => setValue(event.target.value)} />
      )}
      <button type="button" class="shenpi-button builder-apply" onClick={apply}>{translate('Use')}</button>
    </div>
  );
}

function DefaultFlow(props) {
  const { element, flow, id } = props;
  const translate = useService('translate');
  const modeling = useService('modeling');
  const elementRegistry = useService('elementRegistry');
  const flowObject = getBusinessObject(flow);
  const gateway = flowObject.get('sourceRef');
  const gatewayShape = elementRegistry.get(gateway.get('id'));
  const setValue = (checked) => {
    if (checked) {
      modeling.updateProperties(flow, { conditionExpression: undefined });
      modeling.updateProperties(gatewayShape, { default: flowObject });
    } else if (gateway.get('default') === flowObject) {
      modeling.updateProperties(gatewayShape, { default: undefined });
    }
  };
  return CheckboxEntry({
    element, id, label: translate('Default path'), getValue: () => gateway.get('default') === flowObject, setValue
  });
}
