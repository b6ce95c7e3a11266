"""Django's minimum-length password validator with its message in Chinese (Django's own
translation lacks the plural form, so the page would show English)."""

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def validate(self, password, user=None):
        if len(password) < self.min_length:
            raise ValidationError(f"密码太短，至少需要{self.min_length}个字符。", code="password_too_short",
                                  params={"min_length": self.min_length})

    def get_help_text(self):
        return f"密码至少需要{self.min_length}个字符。"
