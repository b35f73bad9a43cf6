def register(students_cli) -> None:
    pass
