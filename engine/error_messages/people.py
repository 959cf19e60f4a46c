"""Accounts, units and the organisation, deadlines and the kernel's checks."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    # identity
    "password_length": "a password must have %(min)s–%(max)s characters",
    "password_too_simple": "a password must mix letters with digits or symbols",
    "case_not_found": "case %(case)s does not exist",
    "case_of_another_unit": "this case belongs to another unit",
    "case_of_another_applicant": "this case belongs to another applicant",
    "user_not_found": "user %(user)s does not exist",
    "absence_period_invalid": (
        "an absence needs a start and an end, the end after the start (leave both empty to cancel it)"
    ),
    "absence_not_allowed": "only the official or an administrator may record an absence",
    "absence_without_backup": (
        "%(name)s has no backup official: nobody would act meanwhile, so no absence can be recorded"
    ),
    "password_not_allowed": "only the user or an administrator may set a password",
    "login_failed": "wrong user name or password",
    "username_format": "a user name must have 3–64 letters, digits or ._-@",
    "applicant_name_required": "enter a name or the organisation's name",
    "username_registered": "this user name is already registered",
    "token_invalid": "invalid or revoked token",
    "task_assigned_to_other": "this task is assigned to %(assignee)s",
    "task_of_another_department": "this task belongs to another department or post",
    # organisation, deadlines, kernel
    "unit_id_format": "a unit code must have 1–64 letters, digits, - or _",
    "unit_id_taken": "this unit code already exists",
    "unit_name_in_use": (
        "%(name)s is referred to by matters, cases or process steps: renaming it would cut them "
        "off, so it cannot be renamed"
    ),
    "unit_move_into_itself": "a unit cannot be moved under itself or one of its subordinate units",
    "unit_already_inactive": "the unit is already deactivated",
    "unit_has_dependants": "%(name)s still has %(blockers)s and cannot be deactivated",
    "unit_active_users": "%(count)s active user(s)",
    "unit_active_children": "%(count)s active subordinate unit(s)",
    "unit_published_matters": "%(count)s published matter(s)",
    "unit_open_cases": "%(count)s open case(s)",
    "parent_unit_inactive_first": "the parent unit %(name)s is deactivated: reactivate it first",
    "unit_name_taken": "a unit of this name already exists",
    "parent_unit_not_found": "the parent unit does not exist",
    "parent_unit_inactive": "the parent unit %(name)s is deactivated",
    "organisation_admin_only": "only system administrators maintain the organisation",
    "unit_not_found": "unit %(unit)s does not exist",
    "unit_name_length": "a unit name must have 2–200 characters",
    "unit_level_required": "choose the unit's level",
    "unit_level_above_parent": (
        "a unit of level %(level)s cannot belong to %(parent)s, a unit of level %(parent_level)s"
    ),
    "unit_level_below_child": (
        "the subordinate unit %(child)s is of level %(child_level)s, so this unit cannot be of level %(level)s"
    ),
    "account_id_format": "a user name must have 2–64 letters, digits or ._-@",
    "account_id_taken": "this user name is already in use",
    "own_admin_role": "you cannot remove your own system administrator role",
    "deactivate_self": "you cannot deactivate your own account",
    "account_unit_inactive": "the user's unit is deactivated: reactivate the unit or move the user first",
    "account_name_required": "enter the name (at most 100 characters)",
    "account_roles_required": "choose at least one role",
    "applicant_with_staff_roles": "an applicant's account cannot also hold staff roles",
    "account_unit_not_active": "the unit does not exist or is deactivated",
    "account_unit_required": "officials must belong to a unit",
    "account_posts_limit": "at most %(max)s posts, each at most 50 characters",
    "account_phone_format": "the telephone number is malformed",
    "account_email_format": "the e-mail address is malformed",
    "backup_is_self": "the backup official cannot be the user",
    "backup_not_active": "the backup official does not exist or is deactivated",
    "backup_other_unit": "the backup official must belong to the same unit",
    "account_invalid": "the user's details have errors; correct the marked fields",
    "accounts_invalid": "the accounts have errors, so none was created; correct the marked rows",
    "accounts_admin_only": "only system administrators manage users",
    "office_hours_format": "office hours %(text)s must look like 09:00-12:00,13:30-17:30",
    "office_hours_order": "office hours %(text)s must be increasing, non-overlapping periods",
    "calendar_json_invalid": "%(source)s: not valid JSON (line %(at)s: %(detail)s)",
    "calendar_json_shape": '%(source)s: expected {"days": [{"date", "workday", "name"}, …]}',
    "calendar_csv_header": "%(source)s: the CSV header must have the columns date, workday and name",
    "calendar_item_error": "item %(line)s: %(detail)s",
    "calendar_line_error": "line %(line)s: %(detail)s",
    "calendar_file_has_errors": "%(source)s: nothing imported; %(first)s",
    "calendar_entry_not_an_object": "each entry must be an object with date and workday",
    "calendar_workday_flag": "workday must be true or false, not %(value)s",
    "calendar_dates_outside_year": "%(source)s: dates outside %(year)s: %(dates)s; nothing imported",
    "trail_checkpoints_off": (
        "checkpoints are off: SHENPI_TRAIL_KEY is not set, so a rewrite that re-hashes a chain "
        "up to its head cannot be detected"
    ),
    "trail_checkpoint_file_broken": (
        "the checkpoint file %(path)s cannot be continued: %(detail)s; see `shenpi trail verify`"
    ),
    "trail_checkpoint_file_unwritable": "the checkpoint file %(path)s cannot be written: %(detail)s",
    "trail_checkpoint_file_behind": (
        "the database records checkpoints up to %(recorded)s but the checkpoint file "
        "%(path)s ends at %(last)s: the file was truncated or replaced; see `shenpi "
        "trail verify`"
    ),
    "trail_checkpoint_record_lacks": (
        "the database's record lacks checkpoints %(first)s–%(last)s of the file %(path)s; see `shenpi trail verify`"
    ),
    "calendar_file_kind": "choose a CSV (date,workday,name) or JSON file with the holiday arrangement",
    "calendar_file_too_large": "the file is larger than %(limit)s bytes",
    "calendar_file_empty": "the file holds no dates",
    "calendar_file_not_utf8": "%(source)s: not UTF-8 text",
    "calendar_day_not_set": "%(day)s has no override to remove",
    "calendar_package_lacks_year": (
        "chinesecalendar has no holiday arrangement for %(year)s: import the State Council's notice"
    ),
    "not_text": "%(field)s must be text",
    "not_an_object": "%(field)s must be a JSON object",
    "data_key_not_allowed": (
        "%(field)s key %(key)s is not allowed: use letters, digits and underscores, not starting with _"
    ),
    "not_json_values": "%(field)s must contain only JSON values",
    "data_too_large": "%(field)s is larger than %(max)s bytes",
    "page_not_a_number": "page and per_page must be whole numbers",
    # settings
    "settings_invalid": "invalid setting: %(problems)s",
    "setting_variable_refused": "%(variable)s=%(value)s (%(problem)s)",
    "setting_keyword_refused": "Settings(%(setting)s=%(value)s) (%(problem)s)",
}
