// A lane names who handles its steps: "岗位" (a post of the matter's own department) or "部门/岗位" (another unit's
// post). The administrator picks the unit and the post from the unit tree instead of typing the name.
import { h } from '@bpmn-io/properties-panel/preact';
import { useEffect, useState } from '@bpmn-io/properties-panel/preact/hooks';
import { SelectEntry, isSelectEntryEdited } from '@bpmn-io/properties-panel';
import { useService } from 'bpmn-js-properties-panel';
import { getBusinessObject } from 'bpmn-js/lib/util/ModelUtil';

import { useModelChanges } from './util';

const OWN = '';   // the department of the matter that runs the flow

export function splitLane(name) {
  const text = (name || '').trim();
  const slash = text.indexOf('/');
  if (slash < 0) return { department: OWN, post: text };
  return { department: text.slice(0, slash).trim(), post: text.slice(slash + 1).trim() };
}

export function joinLane(department, post) {
  return department ? department + '/' + post : post;
}

function useUnits() {
  const server = useService('shenpiServer');
  const [ tree, setTree ] = useState(null);
  const [ failed, setFailed ] = useState(false);
  useEffect(() => {
    let live = true;
    server.units().then((found) => live && setTree(found), () => live && setFailed(true));
    return () => { live = false; };
  }, [ server ]);
  return { tree, failed };
}

// The entries that edit ``lane`` (a lane shape), shown in the group of ``element`` (the lane or a step in it).
export function laneEntries(element, lane) {
  return [
    { id: 'shenpi-lane-department', component: LaneDepartment, element, lane, isEdited: isSelectEntryEdited },
    { id: 'shenpi-lane-post', component: LanePost, element, lane, isEdited: isSelectEntryEdited }
  ];
}

function LaneDepartment(props) {
  const { element, lane, id } = props;
  const translate = useService('translate');
  const modeling = useService('modeling');
  const { tree, failed } = useUnits();
  useModelChanges();   // the lane may change while a step in it is shown
  const current = splitLane(getBusinessObject(lane).get('name'));
  const getOptions = () => {
    const options = [ { value: OWN, label: translate('(the department of the matter)') } ];
    ((tree && tree.units) || []).forEach((unit) => {
      options.push({ value: unit.name, label: '\u3000'.repeat(unit.depth) + unit.name });
    });
    if (current.department && !options.some((option) => option.value === current.department)) {
      options.push({ value: current.department, label: current.department });
    }
    return options;
  };
  const setValue = (department) => {
    const posts = postsOf(tree, department);
    const post = posts.includes(current.post) || !posts.length ? current.post : posts[0];
    modeling.updateProperties(lane, { name: joinLane(department, post) });
  };
  return SelectEntry({
    element, id, label: translate('Department'), getValue: () => current.department, setValue, getOptions,
    description: failed ? translate('The unit tree could not be loaded.') : translate('Who handles the steps of this lane')
  });
}

function LanePost(props) {
  const { element, lane, id } = props;
  const translate = useService('translate');
  const modeling = useService('modeling');
  const { tree } = useUnits();
  useModelChanges();
  const current = splitLane(getBusinessObject(lane).get('name'));
  const getOptions = () => {
    const posts = postsOf(tree, current.department);
    const options = [ { value: '', label: translate('(choose a post)') } ]
      .concat(posts.map((post) => ({ value: post, label: post })));
    if (current.post && !posts.includes(current.post)) options.push({ value: current.post, label: current.post });
    return options;
  };
  return SelectEntry({
    element, id, label: translate('Post'), getValue: () => current.post, getOptions,
    setValue: (post) => modeling.updateProperties(lane, { name: joinLane(current.department, post) }),
    description: translate('The lane is named {name}', { name: getBusinessObject(lane).get('name') || '—' })
  });
}

function postsOf(tree, department) {
  if (!tree) return [];
  if (!department) return tree.posts || [];
  const unit = (tree.units || []).find((candidate) => candidate.name === department);
  return unit ? unit.posts : [];
}
