"""Pure rules of payment documents (ПД): the commands, the sums, the period, the ID scheme.

No technology here: the codec turns XML into these commands, the use case feeds them the
registries' answers. Every failure is a ``HubError`` with the object's place (docs/BILLS.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from hub.errors import E, HubError

#: the first period the hub accepts (ГИС ЖКХ takes payment documents from January 2016)
FIRST_PERIOD = (2016, 1)
#: a document's ordinal within its account and period has two digits in the PaymentDocumentID
MAX_ORDINAL = 99


class ChargeKind(StrEnum):
    """Which block of ChargeInfo a charge came in, and so which NSI book names its service."""

    HOUSING = "housing"  # HousingService: NSI 50 (the global book)
    UTILITY = "utility"  # MunicipalService: NSI 51 (the organization's own book)
    ADDITIONAL = "additional"  # AdditionalService: NSI 1 (the organization's own book)


#: NSI book of each kind's ServiceType
REGISTRY = {ChargeKind.HOUSING: 50, ChargeKind.UTILITY: 51, ChargeKind.ADDITIONAL: 1}


class DocumentState(StrEnum):
    ISSUED = "issued"
    WITHDRAWN = "withdrawn"


@dataclass(frozen=True, slots=True)
class Charge:
    """One service charged in a document (one ChargeInfo block)."""

    kind: ChargeKind
    code: str  # ServiceType Code
    service_guid: str | None  # ServiceType GUID as received, lowercased
    rate: Decimal | None
    payable: Decimal | None  # TotalPayable
    accrued: Decimal | None = None  # AccountingPeriodTotal
    recalculation: Decimal | None = None  # MoneyRecalculation
    discount: Decimal | None = None  # MoneyDiscount
    debt: Decimal | None = None  # DebtPreviousPeriodsOrAdvanceBillingPeriod
    volume: Decimal | None = None
    volume_type: str | None = None  # I (individual) | O (house needs)
    where: str = ""

    @property
    def registry(self) -> int:
        return REGISTRY[self.kind]


@dataclass(frozen=True, slots=True)
class Totals:
    """The document's totals as received (None: not given)."""

    by_charges: Decimal | None = None  # TotalPayableByChargeInfo
    debt: Decimal | None = None  # DebtPreviousPeriods
    advance: Decimal | None = None  # AdvanceBllingPeriod
    with_debt: Decimal | None = None  # TotalPayableByPDWithDebtAndAdvance
    by_document: Decimal | None = None  # TotalPayableByPD
    subsidies: Decimal | None = None  # SubsidiesCompensationSocialSupport


@dataclass(frozen=True, slots=True)
class Bank:
    """The PaymentInformation a document refers to (by its TransportGUID)."""

    bik: str | None
    account: str | None


@dataclass(frozen=True, slots=True)
class IssueCommand:
    """One PaymentDocument of an importPaymentDocumentRequest."""

    transport_guid: str
    account_guid: str  # lowercased
    year: int
    month: int
    number: str | None  # PaymentDocumentNumber
    charges: tuple[Charge, ...]
    totals: Totals
    bank: Bank | None
    document_id: str | None = None  # PaymentDocumentID given: a change of a placed document
    where: str = ""


@dataclass(frozen=True, slots=True)
class WithdrawCommand:
    """One WithdrawPaymentDocument."""

    transport_guid: str
    document_id: str
    where: str = ""


Command = IssueCommand | WithdrawCommand


# --- period -----------------------------------------------------------------------------------


def next_month(today: date) -> tuple[int, int]:
    return (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)


def check_period(year: int, month: int, today: date, where: str = "") -> None:
    """A period from January 2016 to the month after ``today`` (a document is often issued at
    the turn of the month for the month that begins); INT915003 otherwise."""
    last = next_month(today)
    if not (FIRST_PERIOD <= (year, month) <= last) or not 1 <= month <= 12:
        raise HubError(
            E.INT915003,
            f"Период {month:02d}.{year} вне диапазона {FIRST_PERIOD[1]:02d}.{FIRST_PERIOD[0]}–{last[1]:02d}.{last[0]}",
            where=where,
        )


# --- sums -------------------------------------------------------------------------------------

_ZERO = Decimal(0)
_KOPECK = Decimal("0.01")


def _amount(value: Decimal | None) -> Decimal:
    return value if value is not None else _ZERO


def _same(a: Decimal, b: Decimal) -> bool:
    """Equal to the kopeck (amounts have two decimal places; rounding never hides a kopeck)."""
    return a.quantize(_KOPECK) == b.quantize(_KOPECK)


def _mismatch(what: str, given: Decimal, expected: Decimal, where: str) -> HubError:
    return HubError(E.INT915004, f"{what}: указано {given}, сумма составляющих {expected}", where=where)


def check_charge(charge: Charge) -> None:
    """TotalPayable = AccountingPeriodTotal + MoneyRecalculation − MoneyDiscount, when the
    accrued amount is given (without it the charge has nothing to add up)."""
    if charge.accrued is None or charge.payable is None:
        return
    expected = charge.accrued + _amount(charge.recalculation) - _amount(charge.discount)
    if not _same(charge.payable, expected):
        raise _mismatch("TotalPayable", charge.payable, expected, f"{charge.where}/TotalPayable")


def check_totals(command: IssueCommand) -> None:
    """Each charge's own sum, then the document's: TotalPayableByChargeInfo = Σ TotalPayable;
    TotalPayableByPD = the same sum; TotalPayableByPDWithDebtAndAdvance = that sum +
    DebtPreviousPeriods − AdvanceBllingPeriod. Totals not given are not checked."""
    for charge in command.charges:
        check_charge(charge)
    charged = sum((_amount(c.payable) for c in command.charges), _ZERO)
    totals = command.totals
    if totals.by_charges is not None and not _same(totals.by_charges, charged):
        raise _mismatch(
            "TotalPayableByChargeInfo", totals.by_charges, charged, f"{command.where}/TotalPayableByChargeInfo"
        )
    if totals.by_document is not None and not _same(totals.by_document, charged):
        raise _mismatch("TotalPayableByPD", totals.by_document, charged, f"{command.where}/TotalPayableByPD")
    if totals.with_debt is not None:
        expected = charged + _amount(totals.debt) - _amount(totals.advance)
        if not _same(totals.with_debt, expected):
            raise _mismatch(
                "TotalPayableByPDWithDebtAndAdvance",
                totals.with_debt,
                expected,
                f"{command.where}/TotalPayableByPDWithDebtAndAdvance",
            )


# --- the PaymentDocumentID --------------------------------------------------------------------


def document_id(unified_number: str, year: int, month: int, ordinal: int) -> str:
    """PaymentDocumentID, 18 characters: ЕЛС (10) ``-`` MM ``-`` YY + the document's two-digit
    ordinal within the account and period (01 the first, 02 the replacement of a withdrawn one …).

    GIS forms its ids the same way up to the last block (ЕЛС-MM-NNNN, e.g. the captured
    ``40АЕ144853-03-8111``); the hub's last block carries the year, so the id is unique across
    years without a global counter, and it is derived, not allocated (two workers agree).
    """
    if not 0 < ordinal <= MAX_ORDINAL:
        raise HubError(E.INT915007, f"Не более {MAX_ORDINAL} ПД по лицевому счету за период")
    value = f"{unified_number}-{month:02d}-{year % 100:02d}{ordinal:02d}"
    if len(value) != 18:
        raise ValueError(f"ЕЛС {unified_number!r} is not 10 characters")
    return value


def withdrawable(state: DocumentState, document: str, where: str) -> None:
    """A withdrawn document cannot be withdrawn again (SRV008070, GIS's code)."""
    if state is DocumentState.WITHDRAWN:
        raise HubError(E.SRV008070, f"ПД {document} уже отозван", where=where)


def open_documents(states: Sequence[DocumentState]) -> int:
    return sum(1 for s in states if s is DocumentState.ISSUED)
