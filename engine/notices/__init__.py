"""Notices (通知) written in the transaction of the change they tell about, the ones the engine writes on its own,
each user's channels (e-mail, SMS, webhook) and the delivery over them, and the SMS gateway.
"""

from __future__ import annotations

from .channels import NotificationSettings
from .delivery import NoticeDeliveries
from .messages import KINDS as NOTICE_KINDS
from .messages import notify
from .sms import SmsGateway, make_gateway

__all__ = ["NOTICE_KINDS", "NoticeDeliveries", "NotificationSettings", "SmsGateway", "make_gateway", "notify"]
