"""The one table of the Excel templates the hub accepts: kind, TYPE/VERSION, sheets, columns.

GIS identifies a template by the hidden ``conf`` sheet's TYPE and VERSION (GIS-FACTS §8); the
hub uses GIS's values where public sources give them (показания ПУ ``PU`` 11.0.0.1) and its own
(``HUB-…``) elsewhere (ПД: ``HUB-PD`` with the version of importPaymentDocumentData: no public
source gives GIS's TYPE/VERSION of its ПД template). Headers are in row 2 (row 1 carries the
template's title), data from row 3 (the row GIS uses). A column's ``type`` says how a cell is
read; ``nsi`` names the NSI book of a code column (a lookup sheet and a drop-down list in the
template); ``result`` marks a column the hub fills in the result file (the GUID or unique number
it assigned).

Adding a kind: one ``Kind`` entry here and one mapper module in ``mappers`` — nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass

from hub.services.uploads import KindInfo

HEADER_ROW = 2
FIRST_DATA_ROW = 3
CONF_SHEET = "conf"
STATUS_HEADER = "Статус обработки"
YES_NO = ("да", "нет")


@dataclass(frozen=True, slots=True)
class Column:
    header: str
    key: str
    type: str  # text | int | decimal | date | guid | choice | nsi | record
    required: bool = False
    note: str = ""
    nsi: int | None = None  # the NSI book of a code column
    #: a fixed lookup of codes (units by OKEI) written to its own hidden sheet: (sheet, {code: name})
    lookup: tuple[str, dict[str, str]] | None = None
    choices: tuple[str, ...] = ()
    #: the local name of the object's result value the hub fills in the result file (GUID,
    #: UnifiedAccountNumber …)
    result: str | None = None
    #: the template edition that added the column (``editions``): a file of an earlier edition
    #: has no such column and is read without it; added columns come after the older ones
    since: int = 1


@dataclass(frozen=True, slots=True)
class Sheet:
    name: str
    columns: tuple[Column, ...]
    #: a secondary sheet: the key of its column holding the main sheet's record number
    link: str | None = None
    #: the template edition that added the sheet: a file without it is read without it
    since: int = 1

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(c.header for c in self.columns)


@dataclass(frozen=True, slots=True)
class Kind:
    kind: str  # the hub's short name
    title: str  # Russian: what an operator sees
    type: str  # conf TYPE
    version: str  # conf VERSION
    operation: str  # the import operation its rows become
    limit: int  # objects per request
    template: str  # row 1 of every sheet: GIS's template name with the version
    sheets: tuple[Sheet, ...]  # the first is the main sheet: one row, one object

    @property
    def main(self) -> Sheet:
        return self.sheets[0]

    @property
    def edition(self) -> int:
        """The template edition built now: the latest that added a sheet or a column."""
        return max(max(s.since, *(c.since for c in s.columns)) for s in self.sheets)

    @property
    def info(self) -> KindInfo:
        """What the hub's upload service knows of the kind (its data sheets by name)."""
        return KindInfo(
            kind=self.kind,
            title=self.title,
            type=self.type,
            version=self.version,
            operation=self.operation,
            limit=self.limit,
            sheets=tuple(sheet.name for sheet in self.sheets),
            results=frozenset(c.result for sheet in self.sheets for c in sheet.columns if c.result),
        )


READINGS = Kind(
    kind="readings",
    title="Показания приборов учета",
    type="PU",
    version="11.0.0.1",
    operation="importMeteringDeviceValues",
    limit=1000,
    template="Шаблон импорта показаний ПУ-11.0.0.1",
    sheets=(
        Sheet(
            "Импорт показаний",
            (
                Column(
                    "Идентификатор ПУ в ГИС ЖКХ",
                    "device",
                    "guid",
                    True,
                    "GUID прибора учета (корневой или версии), как в результате загрузки сведений о ПУ",
                ),
                Column(
                    "Коммунальный ресурс",
                    "resource",
                    "nsi",
                    False,
                    "Код НСИ 2 из списка; для электрической энергии не заполняется",
                    nsi=2,
                ),
                Column("Т1", "t1", "decimal", True, "Показание по тарифу 1 (для однотарифного ПУ — показание)"),
                Column("Т2", "t2", "decimal", False, "Показание по тарифу 2 (многотарифный ПУ электроэнергии)"),
                Column("Т3", "t3", "decimal", False, "Показание по тарифу 3 (многотарифный ПУ электроэнергии)"),
                Column("Дата снятия показания", "date", "date", True, "Дата в формате ДД.ММ.ГГГГ"),
            ),
        ),
    ),
)

ACCOUNT_TYPES = ("УО", "РСО", "КР", "РЦ", "ОГВ/ОМС", "ТКО")

#: Вид основания (AccountReasons) as the template lists it → its element, in the XSD's order
REASON_KINDS = {
    "Договор ресурсоснабжения": "SupplyResourceContract",
    "Договор найма": "SocialHireContract",
    "Договор по обращению с ТКО": "TKOContract",
}
#: Тип договора найма as the template lists it → SocialHireContract/Type
HIRE_TYPES = {
    "Социального найма": "D",
    "Найма государственного или муниципального жилищного фонда": "M",
    "Найма жилищного фонда социального использования": "S",
}

ACCOUNTS = Kind(
    kind="accounts",
    title="Лицевые счета",
    type="HUB-LS",
    version="11.13.0.5",
    operation="importAccountData",
    limit=100,
    template="Шаблон импорта ЛС-11.13.0.5",
    sheets=(
        Sheet(
            "Основные сведения",
            (
                Column(
                    "№ записи",
                    "record",
                    "record",
                    True,
                    "Порядковый номер записи; на него ссылаются листы «Помещения» и «Основания»",
                ),
                Column(
                    "Номер ЛС", "number", "text", True, "Номер лицевого счета в системе организации (до 30 символов)"
                ),
                Column(
                    "Идентификатор ЛС в ГИС ЖКХ",
                    "account_guid",
                    "guid",
                    False,
                    "Для изменения существующего ЛС; для нового не заполняется — хаб заполнит в результате",
                    result="GUID",
                ),
                Column(
                    "Единый лицевой счет",
                    "unified",
                    "text",
                    False,
                    "Заполняет хаб в результате",
                    result="UnifiedAccountNumber",
                ),
                Column("Тип ЛС", "type", "choice", True, "УО, РСО, КР, РЦ, ОГВ/ОМС или ТКО", choices=ACCOUNT_TYPES),
                Column("Количество проживающих", "persons", "int", False, "Целое число"),
                Column("Общая площадь, кв. м", "total", "decimal", False, "Число, до 4 знаков после запятой"),
                Column("Жилая площадь, кв. м", "living", "decimal", False, "Число, до 4 знаков после запятой"),
                Column("Является нанимателем?", "renter", "choice", False, "да или нет", choices=YES_NO),
                Column("Фамилия", "surname", "text", False, "Плательщик — физическое лицо"),
                Column("Имя", "name", "text", False, "Обязательно, если указана фамилия"),
                Column("Отчество", "patronymic", "text", False, ""),
                Column("СНИЛС", "snils", "text", False, "11 цифр без пробелов и дефисов"),
                Column(
                    "Идентификатор версии организации-плательщика",
                    "org",
                    "guid",
                    False,
                    "Плательщик — юридическое лицо или индивидуальный предприниматель: идентификатор версии записи"
                    " в реестре организаций ГИС ЖКХ (orgVersionGUID). Не заполняется вместе с ФИО",
                    since=2,
                ),
            ),
        ),
        Sheet(
            "Помещения",
            (
                Column("№ записи ЛС", "record", "record", True, "№ записи на листе «Основные сведения»"),
                Column(
                    "Идентификатор дома по ФИАС",
                    "house",
                    "guid",
                    False,
                    "Для ЛС на жилой дом целиком; иначе — помещение или комната",
                ),
                Column("Идентификатор помещения в ГИС ЖКХ", "premises", "guid", False, "GUID помещения"),
                Column("Идентификатор комнаты в ГИС ЖКХ", "room", "guid", False, "GUID комнаты"),
                Column("Доля внесения платы, %", "share", "decimal", False, "От 0 до 100"),
            ),
            link="record",
        ),
        Sheet(
            "Основания",
            (
                Column("№ записи ЛС", "record", "record", True, "№ записи на листе «Основные сведения»"),
                Column("Вид основания", "kind", "choice", True, "Из списка", choices=tuple(REASON_KINDS)),
                Column(
                    "Идентификатор договора в ГИС ЖКХ",
                    "contract",
                    "guid",
                    False,
                    "ContractGUID договора, размещенного в ГИС ЖКХ; иначе заполните номер и дату договора",
                ),
                Column("Номер договора", "number", "text", False, "Если не указан идентификатор договора"),
                Column("Дата заключения", "signed", "date", False, "ДД.ММ.ГГГГ; обязательна вместе с номером"),
                Column(
                    "Договор заключен в письменной форме",
                    "written",
                    "choice",
                    False,
                    "Для договора ресурсоснабжения с номером: да — договор не публичный и (или) заключен на"
                    " бумажном носителе или в электронной форме",
                    choices=YES_NO,
                ),
                Column(
                    "Тип договора найма",
                    "hire",
                    "choice",
                    False,
                    "Для договора найма с номером: из списка",
                    choices=tuple(HIRE_TYPES),
                ),
                Column("Дата вступления в силу", "entry", "date", False, "Для договора по обращению с ТКО с номером"),
            ),
            link="record",
            since=2,
        ),
    ),
)

#: units of measure by OKEI that the device XSD accepts (GIS-FACTS §8 names these six)
UNITS = ("ЕИ", {"113": "м³", "112": "л", "233": "Гкал", "245": "кВт·ч", "246": "МВт·ч", "A056": "ГДж"})

#: Вид ПУ as the template lists it → the request's element of that kind of device
DEVICE_KINDS = {
    "ИПУ в жилом помещении": "ResidentialPremiseDevice",
    "ИПУ в нежилом помещении": "NonResidentialPremiseDevice",
    "ИПУ жилого дома": "ApartmentHouseDevice",
    "Коллективный (общедомовой)": "CollectiveDevice",
    "Общий (квартирный)": "CollectiveApartmentDevice",
    "Комнатный": "LivingRoomDevice",
}

DEVICES = Kind(
    kind="devices",
    title="Приборы учета",
    type="ImpMDDatav2",
    version="11.13.0.1",
    operation="importMeteringDeviceData",
    limit=100,
    template="Шаблон импорта сведений о ПУ-11.13.0.1",
    sheets=(
        Sheet(
            "Сведения о ПУ",
            (
                Column("Заводской номер ПУ", "number", "text", True, "Заводской (серийный) номер прибора учета"),
                Column("Вид ПУ", "kind", "choice", True, "Из списка", choices=tuple(DEVICE_KINDS)),
                Column("Марка ПУ", "stamp", "text", False, ""),
                Column("Модель ПУ", "model", "text", False, ""),
                Column(
                    "Идентификатор места установки",
                    "place",
                    "guid",
                    True,
                    "GUID помещения (ИПУ, общий квартирный), комнаты (комнатный) или дома по ФИАС (ИПУ жилого дома,"
                    " коллективный)",
                ),
                Column("Идентификатор ЛС", "account", "guid", False, "AccountGUID; обязателен, кроме коллективного ПУ"),
                Column("Дистанционное снятие показаний", "remote", "choice", False, "да или нет", choices=YES_NO),
                Column("Коммунальный ресурс", "resource", "nsi", True, "Код НСИ 2 из списка", nsi=2),
                Column(
                    "Единица измерения",
                    "unit",
                    "lookup",
                    False,
                    "Код ОКЕИ из списка (не для электроэнергии)",
                    lookup=UNITS,
                ),
                Column(
                    "Последнее показание Т1", "t1", "decimal", True, "Показание при вводе (для однотарифного — оно)"
                ),
                Column("Последнее показание Т2", "t2", "decimal", False, "Для многотарифного ПУ электроэнергии"),
                Column("Последнее показание Т3", "t3", "decimal", False, "Для многотарифного ПУ электроэнергии"),
                Column("Коэффициент трансформации", "ratio", "decimal", False, "Для ПУ электроэнергии"),
                Column("Дата установки", "installed", "date", False, "ДД.ММ.ГГГГ"),
                Column("Дата ввода в эксплуатацию", "commissioned", "date", False, "ДД.ММ.ГГГГ"),
                Column("Дата первичной поверки", "verified", "date", False, "ДД.ММ.ГГГГ"),
                Column("Межповерочный интервал", "interval", "nsi", False, "Код НСИ 16 (лет)", nsi=16),
                Column("Дата опломбирования", "sealed", "date", False, "ДД.ММ.ГГГГ"),
                Column("Датчик температуры", "temperature", "choice", False, "да или нет", choices=YES_NO),
                Column("Датчик давления", "pressure", "choice", False, "да или нет", choices=YES_NO),
                Column(
                    "Идентификатор ПУ в ГИС ЖКХ", "root", "guid", False, "Заполняет хаб", result="MeteringDeviceGUID"
                ),
                Column(
                    "Идентификатор версии ПУ",
                    "version",
                    "guid",
                    False,
                    "Заполняет хаб",
                    result="GUID",
                ),
                Column("Уникальный номер ПУ", "unique", "text", False, "Заполняет хаб", result="UniqueNumber"),
            ),
        ),
    ),
)

#: what the cadastre column of an added premises or room sheet wants (GKN_EGRP_KeyType's choice)
NO_CADASTRAL_NUMBER = "нет кадастрового номера"
CADASTRE_NOTE = (
    f"Кадастровый номер; «{NO_CADASTRAL_NUMBER}» — если номера нет; если не заполнен — не зарегистрировано в ЕГРН"
)

HOUSES = Kind(
    kind="houses",
    title="Многоквартирные дома с помещениями",
    type="HUB-MKD-UO",
    version="13.2.3.2",
    operation="importHouseUOData",
    limit=1,
    template="Шаблон импорта сведений о МКД-УО-13.2.3.2",
    sheets=(
        Sheet(
            "Характеристики МКД",
            (
                Column(
                    "№ записи",
                    "record",
                    "record",
                    True,
                    "Порядковый номер дома; на него ссылаются листы помещений и комнат",
                ),
                Column("Идентификатор дома по ФИАС", "fias", "guid", True, "HOUSEGUID ФИАС"),
                Column(
                    "Кадастровый номер", "cadastral", "text", False, "Если не заполнен — дом не зарегистрирован в ЕГРН"
                ),
                Column("Общая площадь здания, кв. м", "total", "decimal", True, "Число, до 4 знаков после запятой"),
                Column("Состояние", "state", "nsi", True, "Код НСИ 24: 1 Аварийный, 2 Исправный, 3 Ветхий", nsi=24),
                Column("Год ввода в эксплуатацию", "year", "int", True, "Четыре цифры"),
                Column("Количество этажей", "floors", "int", True, "Целое число"),
                Column("Количество подземных этажей", "underground", "int", True, "Целое число, 0 если нет"),
                Column("Код ОКТМО", "oktmo", "text", False, "8 или 11 цифр"),
                Column("Часовая зона", "tz", "nsi", True, "Код НСИ 32 (часовая зона по Olson)", nsi=32),
                Column("Объект культурного наследия", "heritage", "choice", True, "да или нет", choices=YES_NO),
                Column("Уникальный номер дома", "unique", "text", False, "Заполняет хаб", result="UniqueNumber"),
            ),
        ),
        Sheet(
            "Жилые помещения",
            (
                Column("№ записи дома", "record", "record", True, "№ записи на листе «Характеристики МКД»"),
                Column("Номер помещения", "number", "text", True, "Номер квартиры"),
                Column("Номер подъезда", "entrance", "int", False, "Если не заполнен — помещение без подъезда"),
                Column("Кадастровый номер", "cadastral", "text", False, CADASTRE_NOTE),
                Column("Характеристика помещения", "characteristic", "nsi", False, "Код НСИ 30", nsi=30),
                Column("Общая площадь, кв. м", "total", "decimal", False, "Число, до 4 знаков после запятой"),
                Column("Жилая площадь, кв. м", "gross", "decimal", False, "Если не заполнена — жилой площади нет"),
                Column("Идентификатор помещения в ГИС ЖКХ", "guid", "guid", False, "Заполняет хаб", result="GUID"),
                Column("Уникальный номер помещения", "unique", "text", False, "Заполняет хаб", result="UniqueNumber"),
            ),
            link="record",
        ),
        Sheet(
            "Нежилые помещения",
            (
                Column("№ записи дома", "record", "record", True, "№ записи на листе «Характеристики МКД»"),
                Column("Номер помещения", "number", "text", True, "Номер нежилого помещения"),
                Column("Кадастровый номер", "cadastral", "text", False, CADASTRE_NOTE),
                Column("Общая площадь, кв. м", "total", "decimal", False, "Число, до 4 знаков после запятой"),
                Column(
                    "Помещение составляет общее имущество в МКД",
                    "common",
                    "choice",
                    False,
                    "да или нет; если не заполнено — не указывается",
                    choices=YES_NO,
                ),
                Column("Идентификатор помещения в ГИС ЖКХ", "guid", "guid", False, "Заполняет хаб", result="GUID"),
                Column("Уникальный номер помещения", "unique", "text", False, "Заполняет хаб", result="UniqueNumber"),
            ),
            link="record",
            since=2,
        ),
        Sheet(
            "Комнаты",
            (
                Column("№ записи дома", "record", "record", True, "№ записи на листе «Характеристики МКД»"),
                Column(
                    "Номер помещения",
                    "premises",
                    "text",
                    True,
                    "Номер квартиры (коммунальной) этого дома на листе «Жилые помещения»",
                ),
                Column("Номер комнаты", "number", "text", True, "Номер комнаты в квартире"),
                Column("Площадь, кв. м", "square", "decimal", False, "Число, до 4 знаков после запятой"),
                Column("Кадастровый номер", "cadastral", "text", False, CADASTRE_NOTE),
                Column("Идентификатор комнаты в ГИС ЖКХ", "guid", "guid", False, "Заполняет хаб", result="GUID"),
                Column("Уникальный номер комнаты", "unique", "text", False, "Заполняет хаб", result="UniqueNumber"),
            ),
            link="record",
            since=2,
        ),
        Sheet(
            "Лифты",
            (
                Column("№ записи дома", "record", "record", True, "№ записи на листе «Характеристики МКД»"),
                Column(
                    "Номер подъезда",
                    "entrance",
                    "int",
                    True,
                    "Подъезд, в котором установлен лифт (создается, если его нет среди подъездов помещений)",
                ),
                Column("Заводской номер", "factory", "text", True, "Заводской номер лифта"),
                Column("Тип лифта", "lift_type", "nsi", True, "Код НСИ 192 из списка", nsi=192),
                Column("Идентификатор лифта в ГИС ЖКХ", "guid", "guid", False, "Заполняет хаб", result="GUID"),
            ),
            link="record",
            since=2,
        ),
    ),
)

#: Вид услуги as the template lists it → (the ChargeInfo block, the NSI book of its code)
SERVICE_KINDS = {
    "Жилищная": ("HousingService", 50),
    "Коммунальная": ("MunicipalService", 51),
    "Дополнительная": ("AdditionalService", 1),
}

BILLS = Kind(
    kind="bills",
    title="Платежные документы",
    type="HUB-PD",
    version="11.2.0.16",
    operation="importPaymentDocumentData",
    limit=500,
    template="Шаблон импорта платежных документов-11.2.0.16",
    sheets=(
        Sheet(
            "Платежные документы",
            (
                Column(
                    "№ записи", "record", "record", True, "Порядковый номер ПД; на него ссылается лист «Начисления»"
                ),
                Column(
                    "Идентификатор ЛС в ГИС ЖКХ",
                    "account",
                    "guid",
                    False,
                    "AccountGUID лицевого счета, как в результате загрузки ЛС. Заполняется одно из трех: этот"
                    " идентификатор, «Единый лицевой счет» или «Номер ЛС»",
                ),
                Column("Месяц", "month", "int", True, "Расчетный период: месяц, от 1 до 12"),
                Column("Год", "year", "int", True, "Расчетный период: год, четыре цифры"),
                Column("Номер ПД", "number", "text", False, "Номер платежного документа в системе организации"),
                Column("БИК банка", "bik", "text", True, "9 цифр: банк, в который вносится плата"),
                Column("Расчетный счет", "bank_account", "text", True, "20 цифр: счет получателя платежа"),
                Column("Задолженность за предыдущие периоды", "debt", "decimal", False, "Рубли, до 2 знаков"),
                Column("Аванс на начало расчетного периода", "advance", "decimal", False, "Рубли, до 2 знаков"),
                Column(
                    "Итого к оплате по начислениям",
                    "by_charges",
                    "decimal",
                    False,
                    "Сумма «Итого к оплате» листа «Начисления»; если заполнено — хаб сверяет до копейки",
                ),
                Column(
                    "Итого к оплате с учетом задолженности и аванса",
                    "with_debt",
                    "decimal",
                    False,
                    "Начисления + задолженность − аванс; если заполнено — хаб сверяет до копейки",
                ),
                Column("Идентификатор ПД", "document_id", "text", False, "Заполняет хаб", result="UniqueNumber"),
                Column("Идентификатор ПД в ГИС ЖКХ", "guid", "guid", False, "Заполняет хаб", result="GUID"),
                Column(
                    "Единый лицевой счет",
                    "unified",
                    "text",
                    False,
                    "ЕЛС (10 символов) лицевого счета организации — вместо идентификатора ЛС",
                    since=2,
                ),
                Column(
                    "Номер ЛС",
                    "account_number",
                    "text",
                    False,
                    "Номер лицевого счета в системе организации, как при загрузке ЛС — вместо идентификатора ЛС",
                    since=2,
                ),
            ),
        ),
        Sheet(
            "Начисления",
            (
                Column("№ записи ПД", "record", "record", True, "№ записи на листе «Платежные документы»"),
                Column(
                    "Вид услуги",
                    "kind",
                    "choice",
                    True,
                    "Жилищная (код НСИ 50), коммунальная (код НСИ 51 организации) или дополнительная"
                    " (код НСИ 1 организации)",
                    choices=tuple(SERVICE_KINDS),
                ),
                Column(
                    "Код услуги",
                    "code",
                    "nsi",
                    True,
                    "Код в справочнике вида услуги: для жилищной — НСИ 50 (список подсказывает их), для"
                    " коммунальной и дополнительной — код собственного НСИ 51 или НСИ 1 организации (вводится"
                    " вручную)",
                    nsi=50,  # a suggestion list, not enforced: own codes are typed in the same column
                ),
                Column("Объем", "volume", "decimal", False, "Объем потребления (не для жилищной услуги)"),
                Column("Тариф", "rate", "decimal", True, "Рубли за единицу, до 2 знаков"),
                Column("Начислено за период", "accrued", "decimal", True, "Рубли, до 2 знаков"),
                Column("Перерасчет", "recalculation", "decimal", False, "Рубли: плюс — доначисление, минус — снятие"),
                Column("Льгота (скидка)", "discount", "decimal", False, "Рубли, до 2 знаков"),
                Column(
                    "Итого к оплате",
                    "payable",
                    "decimal",
                    True,
                    "Начислено + перерасчет − льгота; хаб сверяет до копейки",
                ),
            ),
            link="record",
        ),
    ),
)

#: kind → its template
KINDS: dict[str, Kind] = {k.kind: k for k in (READINGS, ACCOUNTS, DEVICES, HOUSES, BILLS)}
BY_CONF: dict[tuple[str, str], Kind] = {(k.type, k.version): k for k in KINDS.values()}
