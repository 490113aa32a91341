from huikuan.cli import entry

entry()
