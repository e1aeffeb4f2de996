

secret_group
checksum


secret_keykey