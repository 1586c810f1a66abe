// torch.nn.utils's layout for those who look there: nn.utils.rnn.padSequence and friends.

export * as rnn from "./packed.js";
