"""The codes of the order loop's refusals.

Services raise :class:`~minsheng.core.errors.DomainError` (or its 403, 404 and 409 kinds)
with these codes; every interface passes the code on or maps it by member (Open311 names
the argument a refusal is about), never by matching message text. Input refusals use the
shared :class:`~minsheng.core.errors.Code`.
"""

from __future__ import annotations

from enum import StrEnum


class OrderCode(StrEnum):
    # finding the order, and the state it is in
    ORDER_NOT_FOUND = "order_not_found"
    ILLEGAL_TRANSITION = "illegal_transition"
    ALREADY_DISPATCHED = "already_dispatched"
    ALREADY_TAKEN = "already_taken"
    ALREADY_RATED = "already_rated"
    NOT_ASSIGNED = "not_assigned"
    NOT_GRABBABLE = "not_grabbable"
    ORDER_FINAL = "order_final"
    # ordering (点单)
    CHANNEL_INVALID = "channel_invalid"
    CONTACT_REQUIRED = "contact_required"
    RESIDENT_INVALID = "resident_invalid"
    REGION_UNKNOWN = "region_unknown"
    REGION_TOO_BROAD = "region_too_broad"
    REGION_OUT_OF_SCOPE = "region_out_of_scope"
    SERVICE_UNKNOWN = "service_unknown"
    SERVICE_UNPUBLISHED = "service_unpublished"
    SERVICE_NOT_OFFERED = "service_not_offered"
    AREA_REQUIRED = "area_required"
    AREA_UNKNOWN = "area_unknown"
    DESCRIPTION_REQUIRED = "description_required"
    ATTRIBUTES_INVALID = "attributes_invalid"
    ATTRIBUTE_UNKNOWN = "attribute_unknown"
    ATTRIBUTE_REQUIRED = "attribute_required"
    ATTRIBUTE_NOT_SINGLE = "attribute_not_single"
    ATTRIBUTE_NOT_NUMBER = "attribute_not_number"
    ATTRIBUTE_NOT_DATETIME = "attribute_not_datetime"
    ATTRIBUTE_TOO_LONG = "attribute_too_long"
    ATTRIBUTE_UNKNOWN_CHOICE = "attribute_unknown_choice"
    ATTRIBUTE_BELOW_MINIMUM = "attribute_below_minimum"
    ATTRIBUTE_ABOVE_MAXIMUM = "attribute_above_maximum"
    ATTRIBUTE_NOT_WHOLE = "attribute_not_whole"
    ATTRIBUTE_TOO_EARLY = "attribute_too_early"
    ATTRIBUTE_TOO_LATE = "attribute_too_late"
    # dispatch (派单)
    PROVIDER_NOT_ELIGIBLE = "provider_not_eligible"
    PROVIDER_FULL = "provider_full"
    PROVIDER_UNCHANGED = "provider_unchanged"
    FAILED_THIS_ORDER = "failed_this_order"  # issue 8: a reopened order and the team that failed it
    # notes, reasons and ratings
    REASON_REQUIRED = "reason_required"
    CONFIRMATION_REQUIRED = "confirmation_required"  # a web cancel form's box left unticked
    AUDIENCE_INVALID = "audience_invalid"
    SATISFACTION_INVALID = "satisfaction_invalid"
    # whether a rating counts (issue 8)
    RATING_NOT_FOUND = "rating_not_found"
    RATING_VALIDITY_UNCHANGED = "rating_validity_unchanged"
    # rating without logging in: the signed link, the SMS reply (issue 8)
    LINK_INVALID = "link_invalid"
    LINK_EXPIRED = "link_expired"
    LINK_USED = "link_used"
    REPLY_INVALID = "reply_invalid"
    # a dispatcher's day (issue 8): urging, escalating to the county, merging duplicates
    NOT_WITH_PROVIDER = "not_with_provider"
    ALREADY_ESCALATED = "already_escalated"
    MERGE_SAME_ORDER = "merge_same_order"
    MERGE_ACROSS_TOWNSHIPS = "merge_across_townships"
    # history from another system
    UPDATED_BEFORE_REQUESTED = "updated_before_requested"
    # following an order without an account (/track/)
    NOT_ORDER_NUMBER = "not_order_number"
    TRACK_NO_MATCH = "track_no_match"
    TRACK_THROTTLED = "track_throttled"
    # photos (orders.services.photos)
    PHOTO_TOO_LARGE = "photo_too_large"
    PHOTO_NOT_IMAGE = "photo_not_image"
    PHOTO_DAMAGED = "photo_damaged"
    PHOTO_TOO_MANY_PIXELS = "photo_too_many_pixels"
    PHOTO_TOO_MANY = "photo_too_many"
    PHOTOS_CLOSED = "photos_closed"
