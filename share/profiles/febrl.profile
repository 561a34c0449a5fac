# febrl.profile - FEBRL synthetic person records (rec_id, given_name, surname,
# street_number, address_1, address_2, suburb, postcode, state, date_of_birth,
# soc_sec_id) loaded as seller accounts, for linking tests on realistic identity data.
# The social security number is an extra identifier kind; the date of birth stays an
# attribute. See casekit-profile(5).
profile febrl
country AU
currency AUD

[sellers]
files dataset*.csv febrl*.csv
seller_id = rec_id
platform = "febrl"
owner_name = {given_name} {surname}
address = {street_number} {address_1}, {address_2}, {suburb} {state} {postcode}
ident soc_sec_id = soc_sec_id
