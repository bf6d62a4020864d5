if !enable_mqtt == true then mqtt = on
else mqtt = off
end script
