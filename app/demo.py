def database_is_empty():
    return True


def seed():
    pass


def logins_text():
    return ""
