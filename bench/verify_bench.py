from .runner import Figure, Options


def run(options: Options) -> list[Figure]:
    return []
