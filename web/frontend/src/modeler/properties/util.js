// Helpers shared by the Shenpi properties groups: reading the model, writing it through the command stack (so every
// change can be undone), and re-rendering a group when another element it shows changes.
import { useEffect, useState } from '@bpmn-io/properties-panel/preact/hooks';
import { useService } from 'bpmn-js-properties-panel';
import { getBusinessObject, is, isAny } from 'bpmn-js/lib/util/ModelUtil';

export const STEP_TYPES = [ 'bpmn:UserTask', 'bpmn:ManualTask' ];

// Re-render when any element changes: a step's group shows its lane, a gateway's group its flows.
export function useModelChanges() {
  const eventBus = useService('eventBus');
  const [ , setTick ] = useState(0);
  useEffect(() => {
    const changed = () => setTick((tick) => tick + 1);
    eventBus.on('commandStack.changed', changed);
    return () => eventBus.off('commandStack.changed', changed);
  }, [ eventBus ]);
}

// Several model changes as one undoable command.
export function execute(commandStack, commands) {
  if (commands.length) commandStack.execute('properties-panel.multi-command-executor', commands);
}

export function updateCommand(element, moddleElement, properties) {
  return { cmd: 'element.updateModdleProperties', context: { element, moddleElement, properties } };
}

export function extension(businessObject, type) {
  const extensionElements = businessObject.get('extensionElements');
  return extensionElements && (extensionElements.get('values') || []).find((value) => is(value, type));
}

// The commands that give the element a camunda:FormData (with bpmn:ExtensionElements if needed); its form data.
export function ensureFormData(element, bpmnFactory) {
  const businessObject = getBusinessObject(element);
  const found = extension(businessObject, 'camunda:FormData');
  if (found) return { formData: found, commands: [] };
  const commands = [];
  let extensionElements = businessObject.get('extensionElements');
  if (!extensionElements) {
    extensionElements = bpmnFactory.create('bpmn:ExtensionElements', { values: [] });
    extensionElements.$parent = businessObject;
    commands.push(updateCommand(element, businessObject, { extensionElements }));
  }
  const formData = bpmnFactory.create('camunda:FormData', { fields: [] });
  formData.$parent = extensionElements;
  commands.push(updateCommand(element, extensionElements, {
    values: [ ...(extensionElements.get('values') || []), formData ]
  }));
  return { formData, commands };
}

// The lane (shape) a flow node sits in, or null.
export function laneOf(element, elementRegistry) {
  const businessObject = getBusinessObject(element);
  return elementRegistry.find((candidate) => is(candidate, 'bpmn:Lane')
    && (getBusinessObject(candidate).get('flowNodeRef') || []).includes(businessObject)) || null;
}

// A step's form fields as plain objects: { id, label, type, options: [{ id, name }], required }.
export function formFields(businessObject) {
  const formData = extension(businessObject, 'camunda:FormData');
  return ((formData && formData.get('fields')) || []).map((field) => ({
    id: field.get('id') || '',
    label: field.get('label') || '',
    type: field.get('type') || 'string',
    options: (field.get('values') || []).map((value) => ({ id: value.get('id') || '', name: value.get('name') || '' })),
    required: ((field.get('validation') && field.get('validation').get('constraints')) || [])
      .some((constraint) => constraint.get('name') === 'required')
  }));
}

// The form fields of every step before the element (walking the flows back), nearest steps first.
export function fieldsBefore(element) {
  const seen = new Set();
  const fields = [];
  const names = new Set();
  const queue = [ getBusinessObject(element) ];
  while (queue.length) {
    const node = queue.shift();
    if (!node || seen.has(node)) continue;
    seen.add(node);
    if (node !== getBusinessObject(element) && isAny(node, STEP_TYPES)) {
      formFields(node).forEach((field) => {
        if (field.id && !names.has(field.id)) {
          names.add(field.id);
          fields.push({ ...field, step: node.get('name') || node.get('id') });
        }
      });
    }
    if (is(node, 'bpmn:SequenceFlow')) queue.push(node.sourceRef);
    else (node.incoming || []).forEach((flow) => queue.push(flow));
    if (is(node, 'bpmn:BoundaryEvent')) queue.push(node.attachedToRef);
  }
  return fields;
}

export function quoted(value) {
  return JSON.stringify(String(value));
}
