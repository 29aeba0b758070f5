"""Makes the TorchScript fixture of DjlTransformerUnderAgentIT (run by a developer, not the build).

A 2-layer self-attention model (embedding 16, 4 heads) with seeded weights whose forward returns
(hidden, (attention_layer0, attention_layer1)), each attention [batch, heads, query, key] -- the
way Hugging Face models exported with output_attentions=True return them. Saved with
torch.jit.script, so that any batch and sequence length works.

    /usr/bin/python3 make_torchscript_attention.py  # Debian: apt-get install python3-torch ../resources/torchscript-attention/torchscript-attention.pt

Made with Debian's python3-torch 1.13.1; DJL 0.36 loads it with libtorch 2.7.1.
"""
import sys
from typing import Tuple

import torch
from torch import nn


class SelfAttention(nn.Module):
    def __init__(self, width: int, heads: int):
        super().__init__()
        self.heads = heads
        self.query = nn.Linear(width, width)
        self.key = nn.Linear(width, width)
        self.value = nn.Linear(width, width)

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        batch, length, width = x.shape
        size = width // self.heads
        q = self.query(x).view(batch, length, self.heads, size).transpose(1, 2)
        k = self.key(x).view(batch, length, self.heads, size).transpose(1, 2)
        v = self.value(x).view(batch, length, self.heads, size).transpose(1, 2)
        attention = torch.softmax(q @ k.transpose(-1, -2) / (size ** 0.5), dim=-1)
        y = (attention @ v).transpose(1, 2).reshape(batch, length, width)
        return x + y, attention


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.layer0 = SelfAttention(16, 4)
        self.layer1 = SelfAttention(16, 4)

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor, Tuple[torch.Tensor, torch.Tensor]]:
        x, a0 = self.layer0(x)
        x, a1 = self.layer1(x)
        return x, (a0, a1)


def main(path: str) -> None:
    torch.manual_seed(20261126)
    model = Encoder().eval()
    scripted = torch.jit.script(model)
    scripted.save(path)
    out, (a0, a1) = scripted(torch.randn(2, 7, 16))
    print(path, tuple(out.shape), tuple(a0.shape), tuple(a1.shape))


if __name__ == "__main__":
    main(sys.argv[1])
