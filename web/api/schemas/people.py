"""People: an official's absence (AB岗), the signed-in user's notification channels, the working calendar."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from .common import Body, Instant, InstantText


class Absence(Body):
    model_config = ConfigDict(populate_by_name=True)
    from_: InstantText | None = Field(None, alias="from", description="ISO-8601; naive: Asia/Shanghai")
    until: InstantText | None = None


class AbsenceRecorded(BaseModel):
    user: str
    absent_from: Instant | None
    absent_until: Instant | None
    backup: str | None = Field(description="the backup official (AB岗) who acts meanwhile")


class Channel(BaseModel):
    enabled: bool
    address: str | None
    has_secret: bool


class NotificationChannels(BaseModel):
    email: Channel
    sms: Channel
    webhook: Channel


class ChannelsSaved(NotificationChannels):
    webhook_secret: str | None = Field(
        None, description="a webhook turned on the first time: its signing secret, shown only once"
    )


class ChannelChoice(BaseModel):
    enabled: bool
    address: str | None = None


class ChannelChoices(Body):
    email: ChannelChoice | None = None
    sms: ChannelChoice | None = None
    webhook: ChannelChoice | None = None


class CalendarDay(BaseModel):
    date: dt.date
    workday: bool
    name: str | None
    override: bool = Field(description="set here rather than by the statutory calendar")
    provisional: bool = Field(description="from the provisional calendar: the year has no official arrangement")


class CalendarYear(BaseModel):
    year: int
    provisional: bool = Field(
        description="the State Council's arrangement of the year is not imported: the statutory "
        "holidays are computed, weekends are off, there are no adjusted working days"
    )
    days: list[CalendarDay] = Field(description="the days that differ from an ordinary week")


class DaySetting(Body):
    workday: bool
    name: str | None = Field(None, max_length=100)


class DaySet(BaseModel):
    date: dt.date
    workday: bool
    name: str | None
