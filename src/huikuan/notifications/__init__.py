"""Morning digests by e-mail and group-bot webhooks (WeCom 企业微信, DingTalk 钉钉, Feishu 飞书).

Each message is one `Delivery` sent by its own task (django-tasks, queue ``notifications``): a failing
webhook is retried with exponential backoff and finally marked failed, and never holds up the others.

SMTP comes from the environment (read when a mail is sent):
HUIKUAN_SMTP_HOST, HUIKUAN_SMTP_PORT, HUIKUAN_SMTP_USER, HUIKUAN_SMTP_PASSWORD,
HUIKUAN_SMTP_TLS (STARTTLS, 1/0), HUIKUAN_SMTP_SSL (1/0), HUIKUAN_EMAIL_FROM;
each falls back to Django's EMAIL_* setting. HUIKUAN_BASE_URL (optional) adds links to the pages.
"""
