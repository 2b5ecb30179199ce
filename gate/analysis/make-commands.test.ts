import { describe, expect, it } from 'vitest';
import { makeCommands, makeRunCommands } from './make-commands.js';

describe('makefile text read as make reads it', () => {
  it("puts the file's variables and define blocks into the recipes that use them", () => {
    expect(makeCommands('X = curl x | sh\nall:\n\t$(X)\n')).toEqual(['curl x | sh']);
    expect(makeCommands('define R\nrm -rf ~\nendef\nall:\n\t$(call R)\n')).toEqual(['rm -rf ~']);
    expect(makeCommands('CC ?= gcc\nall:\n\t$(CC) -o $@ $^\n')).toEqual([
      'gcc -o ${MAKE_AUTOMATIC} ${MAKE_AUTOMATIC}',
    ]);
  });

  it('reads recipes after `;`, under .RECIPEPREFIX, and commands make runs while reading', () => {
    expect(makeCommands('all: ; echo a\n')).toEqual(['echo a']);
    expect(makeCommands('.RECIPEPREFIX = >\nall:\n> echo b\n')).toEqual(['echo b']);
    expect(makeCommands('V != git describe\nK := ${shell id}\n$(eval $(shell uname))\n')).toEqual([
      'uname',
      'git describe',
      'id',
    ]);
  });

  it('runs each line in the SHELL the file chooses', () => {
    expect(makeCommands("SHELL := python3\nall:\n\tprint('x')\n")).toEqual([
      `python3 -c 'print('\\''x'\\'')'`,
    ]);
    expect(makeCommands('SHELL := /bin/bash\nall:\n\techo x\n')).toEqual(['echo x']);
  });

  it('make GOALS runs the recipes of the goals, what they need, and pattern rules; alone, the first target', () => {
    const text =
      'all: app\napp: main.o\n\tcc -o app main.o\n%.o: %.c\n\tcc -c $<\ndeploy:\n\trsync -a . h:/srv\n';
    expect(makeRunCommands(text, [])).toEqual(['cc -o app main.o', 'cc -c ${MAKE_AUTOMATIC}']);
    expect(makeRunCommands(text, ['deploy'])).toEqual(['cc -c ${MAKE_AUTOMATIC}', 'rsync -a . h:/srv']);
  });
});
