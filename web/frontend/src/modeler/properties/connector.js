// A service or send task's (or a message throw / end event's) call of another system, written as Camunda 7's camunda:connector (http-connector), which
// the engine runs after the step (engine/definitions/connectors.py): the address, the method, the request body as an
// expression over the case data, and the results written into the case data as expressions over response and status.
import { h } from '@bpmn-io/properties-panel/preact';
import {
  SelectEntry, TextAreaEntry, TextFieldEntry, isSelectEntryEdited, isTextAreaEntryEdited, isTextFieldEntryEdited
} from '@bpmn-io/properties-panel';
import { useService } from 'bpmn-js-properties-panel';
import { getBusinessObject, is } from 'bpmn-js/lib/util/ModelUtil';

import { execute, extension, updateCommand } from './util';

export const CONNECTOR_TYPES = [ 'bpmn:ServiceTask', 'bpmn:SendTask' ];
const METHODS = [ 'POST', 'GET', 'PUT', 'PATCH', 'DELETE' ];

export function connectorEntries(element) {
  return [
    { id: 'shenpi-connector-url', component: ConnectorUrl, element, isEdited: isTextFieldEntryEdited },
    { id: 'shenpi-connector-method', component: ConnectorMethod, element, isEdited: isSelectEntryEdited },
    { id: 'shenpi-connector-payload', component: ConnectorPayload, element, isEdited: isTextAreaEntryEdited },
    { id: 'shenpi-connector-outputs', component: ConnectorOutputs, element, isEdited: isTextAreaEntryEdited }
  ];
}

export function readConnector(businessObject) {
  const connector = extension(businessObject, 'camunda:Connector');
  const io = connector && connector.get('inputOutput');
  const inputs = (io && io.get('inputParameters')) || [];
  const input = (name) => {
    const found = inputs.find((parameter) => parameter.get('name') === name);
    return (found && found.get('value')) || '';
  };
  const outputs = ((io && io.get('outputParameters')) || [])
    .map((parameter) => parameter.get('name') + ' = ' + (parameter.get('value') || ''));
  return { url: input('url'), method: input('method') || 'POST', payload: input('payload'), outputs: outputs.join('\n') };
}

function useConnectorWriter(element) {
  const bpmnFactory = useService('bpmnFactory');
  const commandStack = useService('commandStack');
  return (changes) => {
    const businessObject = getBusinessObject(element);
    const values = { ...readConnector(businessObject), ...changes };
    const commands = [];
    let extensionElements = businessObject.get('extensionElements');
    if (!extensionElements) {
      extensionElements = bpmnFactory.create('bpmn:ExtensionElements', { values: [] });
      extensionElements.$parent = businessObject;
      commands.push(updateCommand(element, businessObject, { extensionElements }));
    }
    const io = bpmnFactory.create('camunda:InputOutput', { inputParameters: [], outputParameters: [] });
    const parameter = (type, name, value) => {
      const created = bpmnFactory.create(type, { name, value });
      created.$parent = io;
      return created;
    };
    io.inputParameters = [ [ 'url', values.url ], [ 'method', values.method ], [ 'payload', values.payload ] ]
      .filter(([ , value ]) => (value || '').trim())
      .map(([ name, value ]) => parameter('camunda:InputParameter', name, value.trim()));
    io.outputParameters = (values.outputs || '').split('\n')
      .map((line) => line.split('='))
      .filter((parts) => parts.length > 1 && parts[0].trim())
      .map(([ name, ...rest ]) => parameter('camunda:OutputParameter', name.trim(), rest.join('=').trim()));
    const connector = bpmnFactory.create('camunda:Connector', { connectorId: 'http-connector', inputOutput: io });
    io.$parent = connector;
    connector.$parent = extensionElements;
    commands.push(updateCommand(element, extensionElements, {
      values: [ ...(extensionElements.get('values') || []).filter((value) => !is(value, 'camunda:Connector')), connector ]
    }));
    execute(commandStack, commands);
  };
}

function ConnectorUrl(props) {
  const { element, id } = props;
  const translate = useService('translate');
  const debounce = useService('debounceInput');
  const write = useConnectorWriter(element);
  return h(TextFieldEntry, {
    element, id, label: translate('Address (URL)'), debounce,
    getValue: () => readConnector(getBusinessObject(element)).url,
    setValue: (value, error) => !error && write({ url: value }),
    validate: (value) => /^https?:\/\/[^\s/]+/.test((value || '').trim()) ? null : translate('Enter an http(s) address.'),
    description: translate('Only hosts the administrator allowed (SHENPI_CONNECTOR_HOSTS) are called.')
  });
}

function ConnectorMethod(props) {
  const { element, id } = props;
  const translate = useService('translate');
  const write = useConnectorWriter(element);
  return h(SelectEntry, {
    element, id, label: translate('Method'),
    getValue: () => readConnector(getBusinessObject(element)).method,
    setValue: (value) => write({ method: value }),
    getOptions: () => METHODS.map((value) => ({ value, label: value }))
  });
}

function ConnectorPayload(props) {
  const { element, id } = props;
  const translate = useService('translate');
  const debounce = useService('debounceInput');
  const write = useConnectorWriter(element);
  return h(TextAreaEntry, {
    element, id, label: translate('Request body (expression over the case data)'), debounce, rows: 2,
    getValue: () => readConnector(getBusinessObject(element)).payload,
    setValue: (value) => write({ payload: value || '' }),
    description: translate('For example {"name": applicant_name}; empty: no body.')
  });
}

function ConnectorOutputs(props) {
  const { element, id } = props;
  const translate = useService('translate');
  const debounce = useService('debounceInput');
  const write = useConnectorWriter(element);
  return h(TextAreaEntry, {
    element, id, label: translate('Results into the case data'), debounce, rows: 2,
    getValue: () => readConnector(getBusinessObject(element)).outputs,
    setValue: (value) => write({ outputs: value || '' }),
    description: translate('One per line: name = expression over response and status, e.g. credit_ok = response["ok"]')
  });
}
