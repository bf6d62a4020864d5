on error ignore
loc = before
loc = rest get where url = https://ipinfo.io/json
if not !loc then loc = 0.0, 0.0
