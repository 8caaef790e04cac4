"""The one error catalogue of the hub.

Every failure a client can see has an entry here: a GIS-style code, the Russian text GIS uses
(or one in the same style where GIS has no such code), a category that tells a client whether to
retry, and the HTTP status REST uses. GIS codes are used where GIS has them; the hub's own codes
keep GIS's shape (three letters, six digits) in the ``9xxxxx`` range, which GIS does not use, so
a client's policy keyed on the prefix (FMT = format, AUT = access, INT = business control,
EXP = system) still does the right thing.

Exception tree::

    HubError                  – a catalogued failure: spec + detail + where
    └── (no subclasses: the spec says what happened; ``where`` says where)

Code raises ``HubError(E.FMT001300, "detail", where="line 3, /a/b")``; entry points turn it into
a SOAP Fault, an ``ErrorMessage``/``CommonResult/Error`` or an operator command's one line (the
planned REST API: an RFC 7807 problem with ``http_status``). A traceback never
reaches a client: unexpected exceptions become ``EXP001000`` at the boundary.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Category(StrEnum):
    """How a client should treat the error."""

    PERMANENT = "permanent"  # fix the request; resending the same one fails again
    RETRYABLE = "retryable"  # the same request may succeed later
    EMPTY = "empty"  # not a failure: nothing matched (INT002012)


@dataclass(frozen=True, slots=True)
class ErrorSpec:
    """One catalogue entry."""

    code: str
    text: str
    category: Category = Category.PERMANENT
    http_status: int = 400


class E:
    """The catalogue. Attribute name = code."""

    # --- GIS codes -------------------------------------------------------------------------
    FMT001300 = ErrorSpec("FMT001300", "Некорректный XML")
    AUT011002 = ErrorSpec("AUT011002", "Организация не найдена", http_status=403)
    AUT011003 = ErrorSpec("AUT011003", "Доступ запрещен для поставщика данных", http_status=403)
    INT002000 = ErrorSpec("INT002000", "Значение в поле отсутствует в реестре")
    INT002012 = ErrorSpec("INT002012", "Нет объектов для экспорта", Category.EMPTY, 404)
    INT002013 = ErrorSpec("INT002013", "Запрос не найден", http_status=404)
    INT002034 = ErrorSpec(
        "INT002034",
        "Идентификатор объекта ссылается на несуществующий или неактуальный элемент жилищного фонда",
    )
    EXP001000 = ErrorSpec(
        "EXP001000",
        "Произошла ошибка при передаче данных. Попробуйте осуществить передачу данных повторно",
        Category.RETRYABLE,
        500,
    )
    #: intake's admission control: too many unfinished messages (GIS clients retry EXP002001)
    EXP002001 = ErrorSpec("EXP002001", "Сервис перегружен, повторите запрос позже", Category.RETRYABLE, 503)

    # --- hub codes: message format (FMT9xxxxx) ----------------------------------------------
    FMT900001 = ErrorSpec("FMT900001", "Сообщение не является корректно сформированным XML")
    FMT900002 = ErrorSpec("FMT900002", "Объявления DOCTYPE и сущности в сообщении запрещены")
    FMT900003 = ErrorSpec("FMT900003", "Превышена допустимая глубина вложенности элементов XML")
    FMT900004 = ErrorSpec("FMT900004", "Превышен допустимый размер сообщения", http_status=413)
    FMT900005 = ErrorSpec("FMT900005", "Сообщение не является конвертом SOAP 1.1")
    FMT900006 = ErrorSpec("FMT900006", "Операция не поддерживается", http_status=404)
    FMT900007 = ErrorSpec("FMT900007", "Заголовок SOAP с mustUnderstand не распознан")
    FMT900008 = ErrorSpec("FMT900008", "Пустой запрос")

    # --- hub codes: signature and identity (AUT9xxxxx) --------------------------------------
    AUT900001 = ErrorSpec("AUT900001", "Сообщение не подписано", http_status=401)
    AUT900002 = ErrorSpec("AUT900002", "Электронная подпись недействительна", http_status=401)
    AUT900003 = ErrorSpec("AUT900003", "Подписанный элемент не совпадает с элементом тела сообщения", http_status=401)
    AUT900004 = ErrorSpec("AUT900004", "Сертификат подписи не зарегистрирован", http_status=401)
    AUT900005 = ErrorSpec("AUT900005", "Срок действия сертификата подписи истек", http_status=401)
    AUT900006 = ErrorSpec("AUT900006", "Сертификат подписи отозван", http_status=401)
    AUT900007 = ErrorSpec(
        "AUT900007",
        "Идентификатор организации в заголовке не соответствует владельцу сертификата подписи",
        http_status=403,
    )
    AUT900008 = ErrorSpec("AUT900008", "Время формирования сообщения вне допустимого интервала", http_status=401)
    AUT900009 = ErrorSpec("AUT900009", "Не пройдена аутентификация информационной системы", http_status=401)
    AUT900010 = ErrorSpec("AUT900010", "Алгоритм электронной подписи не поддерживается", http_status=401)
    AUT900011 = ErrorSpec(
        "AUT900011",
        "Повтор сообщения: эта подпись уже принята в сообщении с другим MessageGUID. "
        "Для нового сообщения сформируйте новую подпись",
        http_status=409,
    )
    AUT900013 = ErrorSpec("AUT900013", "Не пройдена аутентификация по токену API", http_status=401)
    AUT900012 = ErrorSpec(
        "AUT900012",
        "Слишком много неудачных попыток аутентификации, повторите позже",
        Category.RETRYABLE,
        429,
    )

    # --- GIS controls of importHouseUOData ({} = the object's values, as GIS words them) -------
    INT004057 = ErrorSpec("INT004057", "Жилое помещение с номером {} встречается 2 или более раз")
    INT004059 = ErrorSpec("INT004059", "Комната с номером {} в помещении {} встречается 2 или более раз")
    INT004065 = ErrorSpec("INT004065", "Комната с номером {} встречается 2 или более раз")
    INT004110 = ErrorSpec("INT004110", "Номер подъезда должен быть уникален для каждого дома")
    INT004113 = ErrorSpec("INT004113", "Нежилое помещение с номером {} встречается 2 или более раз")
    INT004132 = ErrorSpec("INT004132", "Дом уже размещен")
    INT004170 = ErrorSpec(
        "INT004170",
        "Доступ запрещен для поставщика данных с идентификатором «{}». У организации отсутствуют функции",
        http_status=403,
    )
    INT004171 = ErrorSpec(
        "INT004171",
        "Доступ запрещен для поставщика данных c идентификатором «{}». "
        "У организации отсутствует основание для работы с домом {}",
        http_status=403,
    )

    # --- hub codes: personal accounts (INT908xxx) --------------------------------------------
    INT908001 = ErrorSpec("INT908001", "Лицевой счет с указанным номером уже размещен организацией")
    INT908002 = ErrorSpec("INT908002", "Сумма долей внесения платы по открытым лицевым счетам помещения превышает 100%")
    INT908003 = ErrorSpec(
        "INT908003",
        "Лицевой счет закрыт. Изменение закрытого лицевого счета невозможно, "
        "для изменения откройте его повторно (передайте сведения без блока Closed)",
    )
    INT908004 = ErrorSpec("INT908004", "Не указано помещение лицевого счета")
    INT908005 = ErrorSpec("INT908005", "Превышено допустимое количество помещений лицевого счета (99)")
    INT908006 = ErrorSpec("INT908006", "Тип лицевого счета не может быть изменен")

    # --- supply contracts, ДРСО (the supply area): GIS codes where GIS has them, else INT910xxx --
    INT910001 = ErrorSpec("INT910001", "Дата окончания поставки ресурса раньше даты начала")
    INT910002 = ErrorSpec("INT910002", "Дата окончания действия договора раньше даты вступления в силу")
    INT910003 = ErrorSpec("INT910003", "Договор расторгнут или аннулирован: изменение невозможно")
    INT910004 = ErrorSpec("INT910004", "Не указан договор: требуется ContractRootGUID или ContractGUID")
    INT910005 = ErrorSpec("INT910005", "Операция с договором ресурсоснабжения не поддерживается")
    INT910006 = ErrorSpec("INT910006", "Версия договора неактуальна: укажите текущую версию или ContractRootGUID")
    INT910007 = ErrorSpec("INT910007", "Код вида коммунального ресурса (НСИ 2) указан неверно")
    INT910008 = ErrorSpec("INT910008", "Бессрочный договор не пролонгируется")
    INT910009 = ErrorSpec("INT910009", "Дата пролонгации должна быть позже даты окончания действия договора")

    # --- metering devices (the devices area): GIS codes where GIS has them, else INT911xxx -----
    INT911001 = ErrorSpec(
        "INT911001", "Прибор учета с таким заводским номером и коммунальным ресурсом уже размещен в доме"
    )
    INT911002 = ErrorSpec("INT911002", "Прибор учета находится в архиве. Изменение архивного прибора учета невозможно")
    INT911003 = ErrorSpec(
        "INT911003", "Версия прибора учета неактуальна: изменения передаются для актуальной версии прибора учета"
    )
    INT911004 = ErrorSpec("INT911004", "Не указано место установки прибора учета (помещение, комната или дом)")
    INT911005 = ErrorSpec("INT911005", "Вид прибора учета не может быть изменен")
    INT911006 = ErrorSpec("INT911006", "Коммунальный ресурс прибора учета указан 2 или более раз")
    INT911007 = ErrorSpec("INT911007", "Некорректные даты прибора учета")
    INT911008 = ErrorSpec("INT911008", "Сведения об электрической энергии передаются в блоке MunicipalResourceEnergy")
    INT911009 = ErrorSpec("INT911009", "Помещения, комнаты и дома прибора учета должны находиться в одном доме")
    INT911010 = ErrorSpec("INT911010", "Замена прибора учета невозможна")
    INT911011 = ErrorSpec("INT911011", "Лицевой счет закрыт или не относится к дому прибора учета")

    # --- meter readings (the readings area): GIS codes where GIS has them, else INT912xxx ------
    INT912001 = ErrorSpec("INT912001", "Вид показаний не соответствует прибору учета")
    INT912002 = ErrorSpec("INT912002", "Коммунальный ресурс не учитывается прибором учета")
    INT912003 = ErrorSpec("INT912003", "Количество тарифов не соответствует прибору учета")
    INT912004 = ErrorSpec("INT912004", "Дата не может быть больше текущей даты")
    INT912005 = ErrorSpec("INT912005", "Дата не может быть меньше даты ввода прибора учета в эксплуатацию")
    INT912006 = ErrorSpec("INT912006", "Показание не может быть отрицательным")
    INT912007 = ErrorSpec("INT912007", "Показание меньше предыдущего показания прибора учета")
    INT912008 = ErrorSpec("INT912008", "Показания прибора учета за этот период переданы в запросе более одного раза")
    INT912009 = ErrorSpec("INT912009", "Прибор учета находится в архиве")
    INT912010 = ErrorSpec("INT912010", "Дата снятия показания меньше даты последнего показания прибора учета")
    INT912011 = ErrorSpec("INT912011", "Дата окончания поверки меньше даты ее начала")
    INT912012 = ErrorSpec("INT912012", "В запросе нет ни одного показания прибора учета")

    # --- an organization's own NSI books, data providers (nsi, orgs): else INT913xxx ----------
    INT913001 = ErrorSpec("INT913001", "Элемент с таким наименованием уже есть в справочнике {} организации")
    INT913002 = ErrorSpec("INT913002", "Элемент справочника уже удален")
    INT913003 = ErrorSpec("INT913003", "Элемент справочника не удален, восстанавливать нечего")
    INT913004 = ErrorSpec("INT913004", "Удаленный элемент справочника нельзя изменить: сначала восстановите его")
    INT913005 = ErrorSpec("INT913005", "В запросе нет ни одного элемента справочника для изменения")

    # --- REST API and uploads (hub.rest): else INT914xxx / FMT914xxx ----------------------------
    FMT914001 = ErrorSpec("FMT914001", "Документ JSON не соответствует схеме запроса")
    INT914001 = ErrorSpec(
        "INT914001", "Токен оператора не отправляет данные: нужен токен организации-отправителя", http_status=403
    )

    # --- payment documents, ПД (the bills area): GIS codes where GIS has them, else INT915xxx ---
    SRV008070 = ErrorSpec("SRV008070", "ПД уже отменён")
    INT915001 = ErrorSpec("INT915001", "Лицевой счет закрыт")
    INT915002 = ErrorSpec("INT915002", "Услуга отсутствует в справочнике организации или удалена из него")
    INT915003 = ErrorSpec("INT915003", "Расчетный период вне допустимого диапазона")
    INT915004 = ErrorSpec("INT915004", "Сумма не равна сумме составляющих")
    INT915005 = ErrorSpec("INT915005", "По лицевому счету за этот расчетный период уже размещен неотозванный ПД")
    INT915006 = ErrorSpec("INT915006", "Изменение размещенного ПД не поддерживается: отзовите его и разместите новый")
    INT915007 = ErrorSpec("INT915007", "Превышено число ПД по лицевому счету за расчетный период")

    # --- Excel and other file adapters (adapters/, uploads): FMT916xxx / INT916xxx -----------
    FMT916001 = ErrorSpec("FMT916001", "Файл не является книгой Excel (.xlsx)")
    FMT916002 = ErrorSpec("FMT916002", "Файл зашифрован паролем: загрузите книгу без пароля")
    FMT916003 = ErrorSpec("FMT916003", "Книга содержит макросы: сохраните её как .xlsx без макросов")
    FMT916004 = ErrorSpec("FMT916004", "Архив книги превышает допустимый размер после распаковки", http_status=413)
    FMT916005 = ErrorSpec("FMT916005", "Шаблон не поддерживается: неизвестные TYPE или VERSION на листе conf")
    FMT916006 = ErrorSpec("FMT916006", "Столбец шаблона отсутствует или переименован")
    FMT916007 = ErrorSpec("FMT916007", "Лист шаблона не заполнен")
    FMT916008 = ErrorSpec("FMT916008", "Строк больше, чем допускает загрузка", http_status=413)
    FMT916009 = ErrorSpec("FMT916009", "Неверный тип значения в ячейке")
    FMT916010 = ErrorSpec("FMT916010", "Обязательное значение не заполнено")
    FMT916011 = ErrorSpec("FMT916011", "Файл больше допустимого размера", http_status=413)
    FMT916012 = ErrorSpec("FMT916012", "Нет такого вида шаблона", http_status=404)
    FMT916013 = ErrorSpec("FMT916013", "Строка ссылается на строку другого листа, которой нет или которая не принята")
    FMT916014 = ErrorSpec("FMT916014", "Заполнено больше одного из взаимоисключающих значений")
    INT916001 = ErrorSpec("INT916001", "Строка не обработана: сообщение с ней отклонено целиком")

    # --- hub codes: message handling (INT9xxxxx) ---------------------------------------------
    INT900001 = ErrorSpec(
        "INT900001",
        "Сообщение с таким идентификатором уже получено с другим содержимым",
        http_status=409,
    )

    # --- hub codes: administration (the operator's commands) ----------------------------------
    INT900101 = ErrorSpec("INT900101", "Организация с такими реквизитами уже зарегистрирована", http_status=409)
    INT900102 = ErrorSpec("INT900102", "Сертификат уже зарегистрирован", http_status=409)
    INT900103 = ErrorSpec("INT900103", "Файл не является сертификатом X.509 (PEM или DER)")
    INT900104 = ErrorSpec("INT900104", "Данные хаба не найдены", http_status=404)


class HubError(Exception):
    """Raised when a request fails in a way the client must be told about.

    ``params`` fill the ``{}`` slots of texts that name the object (INT004057 «… с номером {} …»).
    ``detail`` adds the specifics to the catalogue text; ``where`` points at the place
    (``line 12, /importAccountRequest/Account[3]/AccountNumber`` or ``sheet/row/column``).
    """

    def __init__(
        self,
        spec: ErrorSpec,
        detail: str | None = None,
        *,
        where: str | None = None,
        params: tuple[object, ...] = (),
    ) -> None:
        self.spec = spec
        self.detail = detail
        self.where = where
        self.params = params
        super().__init__(self.message)

    @property
    def code(self) -> str:
        return self.spec.code

    @property
    def message(self) -> str:
        """Catalogue text, then the place, then the detail: what a client shows its user."""
        parts = [self.spec.text.format(*self.params) if self.params else self.spec.text]
        if self.where:
            parts.append(f"Место: {self.where}")
        if self.detail:
            parts.append(self.detail)
        return ". ".join(parts)

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"
