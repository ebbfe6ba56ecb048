from digestconv.cli import main

main()
