import LorabenchCLI

LorabenchCommand.main()
