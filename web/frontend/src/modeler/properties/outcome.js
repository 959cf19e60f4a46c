// What a case ends as when it reaches this end event (shenpi:outcome): the engine reads it from here, so the end
// event's id can stay as the modeler generated it.
import { SelectEntry, isSelectEntryEdited } from '@bpmn-io/properties-panel';
import { useService } from 'bpmn-js-properties-panel';
import { getBusinessObject } from 'bpmn-js/lib/util/ModelUtil';

export const OUTCOMES = [
  [ 'approved', 'Approved (准予)' ],
  [ 'denied', 'Denied (不予许可)' ],
  [ 'refused', 'Not accepted (不予受理)' ],
  [ 'terminated', 'Terminated (终止)' ],
  [ 'branch', 'Branch ends (the case goes on)' ]
];
// What the engine reads from a name when there is no property (engine/definitions/outcomes.py).
const NAMES = [ [ '不予受理', 'refused' ], [ '不予许可', 'denied' ], [ '不予批准', 'denied' ], [ '准予', 'approved' ],
  [ '终止', 'terminated' ] ];

export function outcomeFromName(name) {
  const found = NAMES.find(([ word ]) => (name || '').includes(word));
  return found ? found[1] : null;
}

export function outcomeEntries(element) {
  return [ { id: 'shenpi-outcome', component: Outcome, element, isEdited: isSelectEntryEdited } ];
}

function Outcome(props) {
  const { element, id } = props;
  const translate = useService('translate');
  const modeling = useService('modeling');
  const businessObject = getBusinessObject(element);
  const declared = businessObject.get('shenpi:outcome') || '';
  const fromName = !declared && outcomeFromName(businessObject.get('name'));
  const setValue = (value) => {
    const properties = { 'shenpi:outcome': value || undefined };
    const label = OUTCOMES.find(([ outcome ]) => outcome === value);
    if (label && !businessObject.get('name') && value !== 'branch') properties.name = translate(label[1]).replace(/[（(].*$/, '').trim();
    modeling.updateProperties(element, properties);
  };
  return SelectEntry({
    element, id, label: translate('Case outcome'), getValue: () => declared, setValue,
    getOptions: () => [ { value: '', label: translate('(choose)') } ]
      .concat(OUTCOMES.map(([ value, label ]) => ({ value, label: translate(label) }))),
    validate: (value) => value || fromName ? null : translate('Choose what the case ends as here.'),
    description: fromName ? translate('Read from the name: {outcome}',
      { outcome: translate(OUTCOMES.find(([ value ]) => value === fromName)[1]) }) : undefined
  });
}
