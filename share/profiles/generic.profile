# generic.profile - casekit's own layout: one file per kind, named after it, with the
# generic column names of casekit-store(5). Columns of the same name as a field need no
# line; other columns are kept as attributes. See casekit-profile(5).
profile generic

[brands]
files brands.csv brands.tsv brands.txt
[sellers]
files sellers.csv sellers.tsv sellers.txt
[parties]
files parties.csv parties.tsv parties.txt
[listings]
files listings.csv listings.tsv listings.txt
[orders]
files orders.csv orders.tsv orders.txt
[logins]
files logins.csv logins.tsv logins.txt
[payments]
files payments.csv payments.tsv payments.txt
[shipments]
files shipments.csv shipments.tsv shipments.txt
[testbuys]
files testbuys.csv testbuys.tsv testbuys.txt
[takedowns]
files takedowns.csv takedowns.tsv takedowns.txt
[notifiers]
files notifiers.csv notifiers.tsv notifiers.txt
[notices]
files notices.csv notices.tsv notices.txt
