<set policy new_policy [config][script] = [
    "run scheduler 1"
]
