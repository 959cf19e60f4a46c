// A step's timers from its own group: the timers attached to it (click one to edit it) and buttons that attach a new
// limit or warning timer (non-interrupting, its time still to be set) leading to an end event that closes the side
// branch.
import { h } from '@bpmn-io/properties-panel/preact';
import { useService } from 'bpmn-js-properties-panel';
import { getBusinessObject } from 'bpmn-js/lib/util/ModelUtil';

import { readTimer, timerDefinition } from './timer';
import { useModelChanges } from './util';

export function stepTimerEntries(element) {
  return [ { id: 'shenpi-step-timers', component: StepTimers, element } ];
}

export function describeTimer(translate, timer) {
  if (timer.unit === 'working_days') return translate('{n} working days', { n: timer.amount });
  if (timer.unit === 'working_hours') return translate('{n} office hours', { n: timer.amount });
  if (timer.unit === 'iso') return timer.iso;
  return timer.text || translate('(no time set)');
}

function roleOf(boundary) {
  const businessObject = getBusinessObject(boundary);
  return businessObject.get('shenpi:timerRole')
    || ((businessObject.get('id') || '').startsWith('Timer_Limit') ? 'limit' : 'warning');
}

function StepTimers(props) {
  const { element } = props;
  const translate = useService('translate');
  const modeling = useService('modeling');
  const elementFactory = useService('elementFactory');
  const selection = useService('selection');
  useModelChanges();
  const timers = (element.attachers || []).filter((attacher) => timerDefinition(attacher));

  const add = (role) => {
    const boundary = elementFactory.createShape({
      type: 'bpmn:BoundaryEvent', eventDefinitionType: 'bpmn:TimerEventDefinition', cancelActivity: false
    });
    const offset = (timers.length + 1) * 28;
    const position = { x: element.x + Math.min(offset, element.width - 10), y: element.y + element.height };
    const created = modeling.createShape(boundary, position, element, { attach: true });
    modeling.updateProperties(created, {
      'shenpi:timerRole': role,
      name: role === 'limit' ? translate('Limit') : translate('Warning')
    });
    const end = modeling.appendShape(created, { type: 'bpmn:EndEvent' },
      { x: created.x + created.width / 2 + (role === 'limit' ? 60 : 0), y: created.y + 90 }, element.parent);
    modeling.updateProperties(end, { 'shenpi:outcome': 'branch', name: translate('Branch ends') });
    selection.select(created);
  };

  return (
    <div class="bio-properties-panel-entry shenpi-step-timers" data-entry-id="shenpi-step-timers">
      {timers.length ? (
        <ul class="shenpi-timer-list">
          {timers.map((timer) => (
            <li>
              <button type="button" class="shenpi-link" onClick={() => selection.select(timer)}>
                {(roleOf(timer) === 'limit' ? translate('Limit') : translate('Warning')) + '：'
                  + describeTimer(translate, readTimer(timerDefinition(timer)))}
              </button>
            </li>
          ))}
        </ul>
      ) : <p class="shenpi-note">{translate('No timer: the step has no time limit of its own.')}</p>}
      <button type="button" class="shenpi-button timer-add-limit" onClick={() => add('limit')}>{translate('Add a limit timer')}</button>
      {' '}
      <button type="button" class="shenpi-button timer-add-warning" onClick={() => add('warning')}>{translate('Add a warning timer')}</button>
    </div>
  );
}
