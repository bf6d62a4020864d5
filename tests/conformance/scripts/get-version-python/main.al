version = get version
deployment_type = python !version.split(" ")[0]
first = python !version.split(":")[1]
if !deployment_type != AnyLog then set is_edgelake = true
