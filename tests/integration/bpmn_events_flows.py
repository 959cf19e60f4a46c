HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="Defs" targetNamespace="http://shenpi.example/tests">
  <bpmn:message id="Msg_Docs" name="补正材料"/>
  <bpmn:error id="Err_Site" name="现场核查不合格" errorCode="SITE_FAIL"/>
  <bpmn:escalation id="Esc_Lead" name="提请领导关注" escalationCode="LEAD"/>
  <bpmn:signal id="Sig_Ready" name="材料齐备"/>
"""
EVENT_GATEWAY = (
    HEAD
    + """
  <bpmn:process id="wait_docs" name="补正或超期" isExecutable="true">
    <bpmn:laneSet id="LaneSet_1"><bpmn:lane id="Lane_Window" name="受理窗口">
      <bpmn:flowNodeRef>Start_1</bpmn:flowNodeRef><bpmn:flowNodeRef>Task_Notice</bpmn:flowNodeRef>
      <bpmn:flowNodeRef>Gateway_Wait</bpmn:flowNodeRef><bpmn:flowNodeRef>Catch_Docs</bpmn:flowNodeRef>
      <bpmn:flowNodeRef>Catch_Timeout</bpmn:flowNodeRef><bpmn:flowNodeRef>Task_Review</bpmn:flowNodeRef>
      <bpmn:flowNodeRef>End_Approved</bpmn:flowNodeRef><bpmn:flowNodeRef>End_Refused</bpmn:flowNodeRef>
    </bpmn:lane></bpmn:laneSet>
    <bpmn:startEvent id="Start_1"/>
    <bpmn:userTask id="Task_Notice" name="一次性告知补正"/>
    <bpmn:eventBasedGateway id="Gateway_Wait"/>
    <bpmn:intermediateCatchEvent id="Catch_Docs" name="收到补正材料">
      <bpmn:messageEventDefinition id="Def_Docs" messageRef="Msg_Docs"/></bpmn:intermediateCatchEvent>
    <bpmn:intermediateCatchEvent id="Catch_Timeout" name="补正期满">
      <bpmn:timerEventDefinition id="Def_Timeout"><bpmn:timeDuration>"P5D"</bpmn:timeDuration></bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:userTask id="Task_Review" name="审查"/>
    <bpmn:endEvent id="End_Approved" name="准予许可"/>
    <bpmn:endEvent id="End_Refused" name="不予受理"/>
    <bpmn:sequenceFlow id="F1" sourceRef="Start_1" targetRef="Task_Notice"/>
    <bpmn:sequenceFlow id="F2" sourceRef="Task_Notice" targetRef="Gateway_Wait"/>
    <bpmn:sequenceFlow id="F3" sourceRef="Gateway_Wait" targetRef="Catch_Docs"/>
    <bpmn:sequenceFlow id="F4" sourceRef="Gateway_Wait" targetRef="Catch_Timeout"/>
    <bpmn:sequenceFlow id="F5" sourceRef="Catch_Docs" targetRef="Task_Review"/>
    <bpmn:sequenceFlow id="F6" sourceRef="Task_Review" targetRef="End_Approved"/>
    <bpmn:sequenceFlow id="F7" sourceRef="Catch_Timeout" targetRef="End_Refused"/>
  </bpmn:process>
</bpmn:definitions>"""
)

ERROR_BOUNDARY = (
    HEAD
    + """
  <bpmn:process id="site_check" name="现场核查" isExecutable="true">
    <bpmn:laneSet id="LaneSet_1"><bpmn:lane id="Lane_Window" name="受理窗口">
      <bpmn:flowNodeRef>Start_1</bpmn:flowNodeRef><bpmn:flowNodeRef>Sub_Site</bpmn:flowNodeRef>
      <bpmn:flowNodeRef>Boundary_Fail</bpmn:flowNodeRef><bpmn:flowNodeRef>Boundary_Lead</bpmn:flowNodeRef>
      <bpmn:flowNodeRef>Task_Lead</bpmn:flowNodeRef><bpmn:flowNodeRef>End_Branch_Lead</bpmn:flowNodeRef>
      <bpmn:flowNodeRef>Task_Decide</bpmn:flowNodeRef>
      <bpmn:flowNodeRef>End_Approved</bpmn:flowNodeRef><bpmn:flowNodeRef>End_Denied</bpmn:flowNodeRef>
    </bpmn:lane></bpmn:laneSet>
    <bpmn:startEvent id="Start_1"/>
    <bpmn:subProcess id="Sub_Site" name="现场核查">
      <bpmn:startEvent id="Sub_Start"/>
      <bpmn:userTask id="Task_Inspect" name="核查"/>
      <bpmn:exclusiveGateway id="Gateway_Pass" default="Flow_Pass"/>
      <bpmn:intermediateThrowEvent id="Throw_Lead" name="提请领导关注">
        <bpmn:escalationEventDefinition id="Def_Lead" escalationRef="Esc_Lead"/></bpmn:intermediateThrowEvent>
      <bpmn:endEvent id="Sub_End"/>
      <bpmn:endEvent id="Sub_Fail" name="核查不合格">
        <bpmn:errorEventDefinition id="Def_Fail" errorRef="Err_Site"/></bpmn:endEvent>
      <bpmn:sequenceFlow id="S1" sourceRef="Sub_Start" targetRef="Task_Inspect"/>
      <bpmn:sequenceFlow id="S2" sourceRef="Task_Inspect" targetRef="Gateway_Pass"/>
      <bpmn:sequenceFlow id="Flow_Pass" sourceRef="Gateway_Pass" targetRef="Sub_End"/>
      <bpmn:sequenceFlow id="Flow_Fail" sourceRef="Gateway_Pass" targetRef="Sub_Fail">
        <bpmn:conditionExpression>result == "fail"</bpmn:conditionExpression></bpmn:sequenceFlow>
      <bpmn:sequenceFlow id="Flow_Lead" sourceRef="Gateway_Pass" targetRef="Throw_Lead">
        <bpmn:conditionExpression>result == "doubt"</bpmn:conditionExpression></bpmn:sequenceFlow>
      <bpmn:sequenceFlow id="S3" sourceRef="Throw_Lead" targetRef="Sub_End"/>
    </bpmn:subProcess>
    <bpmn:boundaryEvent id="Boundary_Fail" name="核查不合格" attachedToRef="Sub_Site">
      <bpmn:errorEventDefinition id="Def_Catch_Fail" errorRef="Err_Site"/></bpmn:boundaryEvent>
    <bpmn:boundaryEvent id="Boundary_Lead" name="领导关注" attachedToRef="Sub_Site" cancelActivity="false">
      <bpmn:escalationEventDefinition id="Def_Catch_Lead" escalationRef="Esc_Lead"/></bpmn:boundaryEvent>
    <bpmn:userTask id="Task_Lead" name="领导阅示"/>
    <bpmn:endEvent id="End_Branch_Lead" name="阅示完毕" />
    <bpmn:userTask id="Task_Decide" name="决定"/>
    <bpmn:endEvent id="End_Approved" name="准予许可"/>
    <bpmn:endEvent id="End_Denied" name="不予许可"/>
    <bpmn:sequenceFlow id="F1" sourceRef="Start_1" targetRef="Sub_Site"/>
    <bpmn:sequenceFlow id="F2" sourceRef="Sub_Site" targetRef="Task_Decide"/>
    <bpmn:sequenceFlow id="F3" sourceRef="Task_Decide" targetRef="End_Approved"/>
    <bpmn:sequenceFlow id="F4" sourceRef="Boundary_Fail" targetRef="End_Denied"/>
    <bpmn:sequenceFlow id="F5" sourceRef="Boundary_Lead" targetRef="Task_Lead"/>
    <bpmn:sequenceFlow id="F6" sourceRef="Task_Lead" targetRef="End_Branch_Lead"/>
  </bpmn:process>
</bpmn:definitions>"""
)

SIGNAL = (
    HEAD
    + """
  <bpmn:process id="joint_check" name="材料齐备后审查" isExecutable="true">
    <bpmn:laneSet id="LaneSet_1"><bpmn:lane id="Lane_Window" name="受理窗口">
      <bpmn:flowNodeRef>Start_1</bpmn:flowNodeRef><bpmn:flowNodeRef>Split</bpmn:flowNodeRef>
      <bpmn:flowNodeRef>Task_Collect</bpmn:flowNodeRef><bpmn:flowNodeRef>Throw_Ready</bpmn:flowNodeRef>
      <bpmn:flowNodeRef>Catch_Ready</bpmn:flowNodeRef><bpmn:flowNodeRef>Task_Review</bpmn:flowNodeRef>
      <bpmn:flowNodeRef>Join</bpmn:flowNodeRef><bpmn:flowNodeRef>End_Approved</bpmn:flowNodeRef>
    </bpmn:lane></bpmn:laneSet>
    <bpmn:startEvent id="Start_1"/>
    <bpmn:parallelGateway id="Split"/>
    <bpmn:userTask id="Task_Collect" name="收齐材料"/>
    <bpmn:intermediateThrowEvent id="Throw_Ready" name="材料齐备">
      <bpmn:signalEventDefinition id="Def_Throw" signalRef="Sig_Ready"/></bpmn:intermediateThrowEvent>
    <bpmn:intermediateCatchEvent id="Catch_Ready" name="等待材料齐备">
      <bpmn:signalEventDefinition id="Def_Catch" signalRef="Sig_Ready"/></bpmn:intermediateCatchEvent>
    <bpmn:userTask id="Task_Review" name="审查"/>
    <bpmn:parallelGateway id="Join"/>
    <bpmn:endEvent id="End_Approved" name="准予许可"/>
    <bpmn:sequenceFlow id="F1" sourceRef="Start_1" targetRef="Split"/>
    <bpmn:sequenceFlow id="F2" sourceRef="Split" targetRef="Task_Collect"/>
    <bpmn:sequenceFlow id="F3" sourceRef="Task_Collect" targetRef="Throw_Ready"/>
    <bpmn:sequenceFlow id="F4" sourceRef="Throw_Ready" targetRef="Join"/>
    <bpmn:sequenceFlow id="F5" sourceRef="Split" targetRef="Catch_Ready"/>
    <bpmn:sequenceFlow id="F6" sourceRef="Catch_Ready" targetRef="Task_Review"/>
    <bpmn:sequenceFlow id="F7" sourceRef="Task_Review" targetRef="Join"/>
    <bpmn:sequenceFlow id="F8" sourceRef="Join" targetRef="End_Approved"/>
  </bpmn:process>
</bpmn:definitions>"""
)

INCLUSIVE = (
    HEAD
    + """
  <bpmn:process id="joint_review" name="按需并联审查" isExecutable="true">
    <bpmn:laneSet id="LaneSet_1">
      <bpmn:lane id="Lane_Window" name="受理窗口">
        <bpmn:flowNodeRef>Start_1</bpmn:flowNodeRef><bpmn:flowNodeRef>Task_Accept</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>Split</bpmn:flowNodeRef><bpmn:flowNodeRef>Join</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>Task_Decide</bpmn:flowNodeRef><bpmn:flowNodeRef>End_Approved</bpmn:flowNodeRef>
      </bpmn:lane>
      <bpmn:lane id="Lane_Fire" name="消防审查"><bpmn:flowNodeRef>Task_Fire</bpmn:flowNodeRef></bpmn:lane>
      <bpmn:lane id="Lane_Env" name="环保审查"><bpmn:flowNodeRef>Task_Env</bpmn:flowNodeRef></bpmn:lane>
      <bpmn:lane id="Lane_Plan" name="规划审查"><bpmn:flowNodeRef>Task_Plan</bpmn:flowNodeRef></bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="Start_1"/>
    <bpmn:userTask id="Task_Accept" name="受理"/>
    <bpmn:inclusiveGateway id="Split" default="Flow_Plan"/>
    <bpmn:userTask id="Task_Fire" name="消防审查"/>
    <bpmn:userTask id="Task_Env" name="环保审查"/>
    <bpmn:userTask id="Task_Plan" name="规划审查"/>
    <bpmn:inclusiveGateway id="Join"/>
    <bpmn:userTask id="Task_Decide" name="决定"/>
    <bpmn:endEvent id="End_Approved" name="准予许可"/>
    <bpmn:sequenceFlow id="F1" sourceRef="Start_1" targetRef="Task_Accept"/>
    <bpmn:sequenceFlow id="F2" sourceRef="Task_Accept" targetRef="Split"/>
    <bpmn:sequenceFlow id="Flow_Fire" sourceRef="Split" targetRef="Task_Fire">
      <bpmn:conditionExpression>fire</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="Flow_Env" sourceRef="Split" targetRef="Task_Env">
      <bpmn:conditionExpression>environment</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="Flow_Plan" sourceRef="Split" targetRef="Task_Plan"/>
    <bpmn:sequenceFlow id="F3" sourceRef="Task_Fire" targetRef="Join"/>
    <bpmn:sequenceFlow id="F4" sourceRef="Task_Env" targetRef="Join"/>
    <bpmn:sequenceFlow id="F5" sourceRef="Task_Plan" targetRef="Join"/>
    <bpmn:sequenceFlow id="F6" sourceRef="Join" targetRef="Task_Decide"/>
    <bpmn:sequenceFlow id="F7" sourceRef="Task_Decide" targetRef="End_Approved"/>
  </bpmn:process>
</bpmn:definitions>"""
)

LOOP = (
    HEAD
    + """
  <bpmn:process id="until_complete" name="补正至齐全" isExecutable="true">
    <bpmn:laneSet id="LaneSet_1"><bpmn:lane id="Lane_Window" name="受理窗口">
      <bpmn:flowNodeRef>Start_1</bpmn:flowNodeRef><bpmn:flowNodeRef>Task_Check</bpmn:flowNodeRef>
      <bpmn:flowNodeRef>End_Approved</bpmn:flowNodeRef>
    </bpmn:lane></bpmn:laneSet>
    <bpmn:startEvent id="Start_1"/>
    <bpmn:userTask id="Task_Check" name="核对材料">
      <bpmn:standardLoopCharacteristics testBefore="false" loopMaximum="5">
        <bpmn:loopCondition>not complete</bpmn:loopCondition>
      </bpmn:standardLoopCharacteristics>
    </bpmn:userTask>
    <bpmn:endEvent id="End_Approved" name="准予许可"/>
    <bpmn:sequenceFlow id="F1" sourceRef="Start_1" targetRef="Task_Check"/>
    <bpmn:sequenceFlow id="F2" sourceRef="Task_Check" targetRef="End_Approved"/>
  </bpmn:process>
</bpmn:definitions>"""
)
