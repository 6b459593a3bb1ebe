from cmelog.cli import main

main()
