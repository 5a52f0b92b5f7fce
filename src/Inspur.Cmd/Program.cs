using Inspur.Cmd;

return await Pbm.RunAsync(args, Console.In, Console.Out, Console.Error);
