using Recsys.Cli;

return await RecsysCli.RunAsync(args);
