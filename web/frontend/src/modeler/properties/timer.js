// A timer as the administrator thinks of it: "N working days", "N office hours" or an ISO 8601 duration, whether it
// warns or marks the step's limit (shenpi:timerRole: a limit escalates the step), and whether it interrupts the step.
// The expression the engine reads (working_days(3) in a date timer, "PT2H" in a duration timer) is written here.
import { h } from '@bpmn-io/properties-panel/preact';
import {
  CheckboxEntry, SelectEntry, TextFieldEntry, isCheckboxEntryEdited, isSelectEntryEdited, isTextFieldEntryEdited
} from '@bpmn-io/properties-panel';
import { useService } from 'bpmn-js-properties-panel';
import { getBusinessObject, is } from 'bpmn-js/lib/util/ModelUtil';

import { quoted } from './util';

const WORKING = /^working_(days|hours)\(\s*(\d+(?:\.\d+)?)\s*\)$/;
const ISO_QUOTED = /^["'](P[0-9YMWDTHS.]*)["']$/;
const ISO_DURATION = /^P(?=\d|T\d)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/;
const MAX_AMOUNT = 3650;

export function timerDefinition(element) {
  const eventDefinitions = getBusinessObject(element).get('eventDefinitions') || [];
  return eventDefinitions.find((definition) => is(definition, 'bpmn:TimerEventDefinition')) || null;
}

// { unit: working_days | working_hours | iso | custom, amount, iso, text } from the timer's expression.
export function readTimer(definition) {
  const date = definition && definition.get('timeDate');
  const duration = definition && definition.get('timeDuration');
  const cycle = definition && definition.get('timeCycle');
  const text = ((date || duration || cycle) && (date || duration || cycle).get('body') || '').trim();
  if (!text) return { unit: 'working_days', amount: '', iso: '', text };
  const working = date && WORKING.exec(text);
  if (working) return { unit: 'working_' + working[1], amount: working[2], iso: '', text };
  const iso = duration && ISO_QUOTED.exec(text);
  if (iso) return { unit: 'iso', amount: '', iso: iso[1], text };
  return { unit: 'custom', amount: '', iso: '', text };
}

export function timerEntries(element) {
  const entries = [
    { id: 'shenpi-timer-unit', component: TimerUnit, element, isEdited: isSelectEntryEdited },
    { id: 'shenpi-timer-amount', component: TimerAmount, element, isEdited: isTextFieldEntryEdited },
    { id: 'shenpi-timer-iso', component: TimerIso, element, isEdited: isTextFieldEntryEdited },
    { id: 'shenpi-timer-expression', component: TimerExpression, element, isEdited: isTextFieldEntryEdited }
  ];
  if (is(element, 'bpmn:BoundaryEvent')) {
    entries.push(
      { id: 'shenpi-timer-role', component: TimerRole, element, isEdited: isSelectEntryEdited },
      { id: 'shenpi-timer-interrupting', component: TimerInterrupting, element, isEdited: isCheckboxEntryEdited });
  }
  return entries;
}

function useTimerWriter(element) {
  const bpmnFactory = useService('bpmnFactory');
  const modeling = useService('modeling');
  return (kind, body) => {
    const definition = timerDefinition(element);
    const expression = bpmnFactory.create('bpmn:FormalExpression', { body });
    expression.$parent = definition;
    modeling.updateModdleProperties(element, definition, {
      timeDate: kind === 'timeDate' ? expression : undefined,
      timeDuration: kind === 'timeDuration' ? expression : undefined,
      timeCycle: kind === 'timeCycle' ? expression : undefined
    });
  };
}

function TimerUnit(props) {
  const { element, id } = props;
  const translate = useService('translate');
  const write = useTimerWriter(element);
  const timer = readTimer(timerDefinition(element));
  const getOptions = () => {
    const options = [
      { value: 'working_days', label: translate('working days') },
      { value: 'working_hours', label: translate('office hours') },
      { value: 'iso', label: translate('ISO 8601 duration (calendar time)') }
    ];
    if (timer.unit === 'custom') options.push({ value: 'custom', label: translate('other expression') });
    return options;
  };
  const setValue = (unit) => {
    if (unit === 'iso') write('timeDuration', quoted(timer.iso || 'PT1H'));
    else if (unit !== 'custom') write('timeDate', unit + '(' + (timer.amount || '1') + ')');
  };
  return SelectEntry({ element, id, label: translate('Counted in'), getValue: () => timer.unit, setValue, getOptions });
}

function TimerAmount(props) {
  const { element, id } = props;
  const translate = useService('translate');
  const debounce = useService('debounceInput');
  const write = useTimerWriter(element);
  const timer = readTimer(timerDefinition(element));
  if (!timer.unit.startsWith('working_')) return null;
  const validate = (value) => {
    const text = (value || '').trim();
    if (!text) return translate('Enter how many.');
    if (!/^\d+(\.\d+)?$/.test(text) || Number(text) <= 0) return translate('Enter a number greater than 0.');
    if (Number(text) > MAX_AMOUNT) return translate('At most {max}.', { max: MAX_AMOUNT });
    return null;
  };
  const setValue = (value, error) => {
    if (error) return;
    write('timeDate', timer.unit + '(' + Number(value.trim()) + ')');
  };
  return h(TextFieldEntry, {
    element, id, label: timer.unit === 'working_days' ? translate('Working days') : translate('Office hours'),
    getValue: () => timer.amount, setValue, validate, debounce,
    description: translate('Counted from when the step starts, on the working-day calendar.')
  });
}

function TimerIso(props) {
  const { element, id } = props;
  const translate = useService('translate');
  const debounce = useService('debounceInput');
  const write = useTimerWriter(element);
  const timer = readTimer(timerDefinition(element));
  if (timer.unit !== 'iso') return null;
  const validate = (value) => ISO_DURATION.test((value || '').trim())
    ? null : translate('An ISO 8601 duration such as PT2H (2 hours) or P3D (3 days).');
  return h(TextFieldEntry, {
    element, id, label: translate('Duration'), getValue: () => timer.iso, validate, debounce,
    setValue: (value, error) => !error && write('timeDuration', quoted(value.trim()))
  });
}

function TimerExpression(props) {
  const { element, id } = props;
  const translate = useService('translate');
  const debounce = useService('debounceInput');
  const write = useTimerWriter(element);
  const timer = readTimer(timerDefinition(element));
  if (timer.unit !== 'custom') {
    return (
      <div class="bio-properties-panel-entry shenpi-note" data-entry-id={id}>
        {translate('The engine reads: {expression}', { expression: timer.text || '—' })}
      </div>
    );
  }
  const kind = timerDefinition(element).get('timeDuration') ? 'timeDuration'
    : timerDefinition(element).get('timeCycle') ? 'timeCycle' : 'timeDate';
  return h(TextFieldEntry, {
    element, id, label: translate('Expression'), getValue: () => timer.text, debounce,
    setValue: (value) => write(kind, (value || '').trim()),
    description: translate('Not a form the panel can show; the engine checks it at 校验.')
  });
}

function TimerRole(props) {
  const { element, id } = props;
  const translate = useService('translate');
  const modeling = useService('modeling');
  const businessObject = getBusinessObject(element);
  const getValue = () => businessObject.get('shenpi:timerRole')
    || ((businessObject.get('id') || '').startsWith('Timer_Limit') ? 'limit' : 'warning');
  return SelectEntry({
    element, id, label: translate('Role'), getValue,
    getOptions: () => [
      { value: 'warning', label: translate('Warning (the step is about to be late)') },
      { value: 'limit', label: translate('Limit (the step is late: escalate it)') }
    ],
    setValue: (value) => modeling.updateProperties(element, { 'shenpi:timerRole': value })
  });
}

function TimerInterrupting(props) {
  const { element, id } = props;
  const translate = useService('translate');
  const modeling = useService('modeling');
  const businessObject = getBusinessObject(element);
  return CheckboxEntry({
    element, id, label: translate('Interrupting: cancel the step when the timer fires'),
    getValue: () => businessObject.get('cancelActivity') !== false,
    setValue: (value) => modeling.updateProperties(element, { cancelActivity: !!value }),
    description: translate('Warnings and limits usually leave the step open (not interrupting).')
  });
}
