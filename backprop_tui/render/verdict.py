"""A gradient check's finding in words, in the interface language (gradcheck.verdict words it in
English for the core and JSON; the screen, trace and chain panel say it here)."""

from __future__ import annotations

from backprop_tui.core.dense.gradcheck import Status
from backprop_tui.i18n import N_, _

STATUS_WORDS = (N_("agrees"), N_("within rounding"), N_("kink"), N_("not smooth"), N_("no precision"),
                N_("overflow"), N_("DISAGREES"))
"""Status values as the catalogue knows them (gradcheck.Status), for an entry's mark."""


def status_verdict(status: Status, kinks: tuple[str, ...] = ()) -> str:
    """gradcheck.verdict(status, kinks) in the interface language; in English, the same words."""
    if status is Status.KINK:
        # a kink is a formula (ReLU′(0) = 0, the same in every language) or a rule in words (max pooling's)
        conventions = _(" and ").join(_(kink) for kink in kinks) if kinks else "f′(0)"
        return _("z = 0: not differentiable, the convention {conventions} is used").format(conventions=conventions)
    if status is Status.NOT_SMOOTH:
        return _("not smooth within the finite-difference step (the one-sided differences disagree)")
    if status in (Status.IMPRECISE, Status.WITHIN_NOISE):
        return _("finite differences have no precision at this magnitude")
    if status is Status.OVERFLOW:
        return _("the loss overflows: finite differences have no precision at this magnitude")
    return _("agrees") if status is Status.AGREES else _("DISAGREES")
