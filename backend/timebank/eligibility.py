"""Who may spend stored hours on help for themselves: people of the policy's withdrawal age, by the
birth date in the ID number (身份证) the registry holds."""

from datetime import date

from backend.core import crypto
from backend.core.errors import DomainError, ErrorCode
from backend.people.models import Person


def birth_date(id_number: str | None) -> date | None:
    """The birth date of an 18-digit 身份证 (digits 7–14, YYYYMMDD); None for anything else."""
    value = (id_number or "").strip().upper()
    if len(value) != 18 or not value[:17].isdigit():
        return None
    try:
        return date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return None


def age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def require_withdrawal_age(person: Person, *, withdrawal_age: int, day: date) -> None:
    """Refuses (in Chinese, saying why) unless the person is at least `withdrawal_age` on `day`."""
    if withdrawal_age <= 0:
        return
    stored = person.id_number_encrypted
    born = birth_date(crypto.decrypt(stored)) if stored else None
    if born is None:
        raise DomainError(ErrorCode.FORBIDDEN, f"未登记有效的身份证号，无法确认是否年满 {withdrawal_age} 周岁，"
                          "暂不能使用存储的时长，请到居委会登记", field="requester")
    if age_on(born, day) < withdrawal_age:
        raise DomainError(ErrorCode.FORBIDDEN, f"年满 {withdrawal_age} 周岁方可使用存储的时长换取服务",
                          field="requester")
