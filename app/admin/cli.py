def register(schools_cli, users_cli) -> None:
    pass
