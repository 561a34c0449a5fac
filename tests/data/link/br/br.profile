profile brsellers
[sellers]
address = {seller_city} {seller_state} {seller_zip_code_prefix}
