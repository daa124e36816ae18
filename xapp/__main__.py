from xapp.cli import main

main()
