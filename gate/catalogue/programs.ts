/**
 * The programs the gate has a model of, as data. A program outside this catalogue (and without a handler in
 * analysis/programs) is not assumed safe: the gate asks, naming it. Sized by what developers run in a coding
 * session: core and text utilities, shell builtins, version control, language toolchains and package
 * managers, build tools, test runners, linters, containers and clusters, databases' clients, and the
 * everyday inspection tools. Each name's risky options are modelled elsewhere (handlers, the option table
 * in analysis/option-effects.ts, the argument scan): being listed here only means "not unknown".
 */
const GROUPS: Record<string, string> = {
  builtins: `: . [ [[ alias bg bind break builtin caller cd command compgen complete continue declare dirs disown
    echo enable eval exec exit export false fc fg getopts hash help history jobs kill let local logout mapfile
    popd printf pushd pwd read readarray readonly return set shift shopt source suspend test times trap true
    type typeset ulimit umask unalias unset wait`,
  coreutils: `arch b2sum base32 base64 basename basenc cat chcon chgrp chmod chown cksum comm cp csplit cut date
    dd df dir dircolors dirname du env expand expr factor fmt fold groups head hostid id install join link ln
    logname ls md5sum mkdir mkfifo mknod mktemp mv nice nl nohup nproc numfmt od paste pathchk pr printenv ptx
    readlink realpath rm rmdir seq sha1sum sha224sum sha256sum sha384sum sha512sum shred shuf sleep sort split
    stat stdbuf stty sum sync tac tail tee timeout touch tr truncate tsort tty uname unexpand uniq unlink
    users vdir wc who whoami yes`,
  text: `awk gawk mawk nawk sed grep egrep fgrep rgrep zgrep zegrep rg ag ack less more most column colrm rev
    iconv dos2unix unix2dos diff diff3 sdiff cmp patch strings xxd hexdump hd file jq yq xq gron envsubst
    look spell aspell wdiff colordiff delta bat batcat highlight pygmentize fzf tldr man info whatis apropos
    xmllint tidy csvlook csvcut miller mlr`,
  files: `find locate mlocate plocate updatedb xargs tree fd fdfind exa eza lsd rename mmv rsync tar gzip gunzip
    zcat gzcat bzip2 bunzip2 bzcat xz unxz xzcat lzma zstd unzstd zstdcat lz4 unlz4 brotli zip unzip zipinfo
    7z 7za 7zr unrar cpio ar pigz pbzip2 compress uncompress sha1sum md5 shasum lsattr getfacl inotifywait
    watchman entr fswatch trash trash-put`,
  process: `ps pgrep pkill killall top htop btop atop pstree pidof lsof fuser uptime free vmstat iostat mpstat
    sar nproc time watch timeout flock nice renice ionice jobs wait`,
  system: `uname hostname hostnamectl whoami id groups who w last lastlog finger users logname getent locale
    localectl timedatectl date cal ncal lscpu lsblk lsusb lspci lsmod dmesg free df mount findmnt blkid
    sysctl ulimit getconf env printenv systemctl journalctl service launchctl loginctl sw_vers system_profiler
    defaults ioreg diskutil csrutil spctl xcode-select xcrun open xdg-open pbcopy pbpaste clear reset tput
    script screen tmux sudo su doas visudo passwd chsh crontab at`,
  network: `curl wget ping ping6 traceroute tracepath mtr dig host nslookup whois ip ifconfig netstat ss arp
    route nc ncat netcat socat telnet ssh scp sftp ssh-keygen ssh-add ssh-agent ssh-copy-id ssh-keyscan
    rsync ftp lftp http https xh httpie grpcurl websocat openssl nmap tcpdump iptables ufw`,
  git: `git gh glab hub tig git-lfs lazygit svn hg bzr fossil pre-commit husky lefthook commitlint gitleaks
    git-filter-repo bfg`,
  node: `node nodejs npm npx pnpm pnpx yarn yarnpkg bun bunx deno corepack nvm fnm volta n nodenv tsc tsx
    ts-node swc esbuild vite vitest jest mocha ava tap c8 nyc playwright cypress webpack rollup parcel turbo nx
    lerna eslint prettier biome oxlint standard stylelint tslint rome next nuxt astro svelte-kit remix ng vue
    create-react-app expo react-native electron electron-builder nodemon pm2 concurrently cross-env
    dotenv storybook changeset semantic-release lint-staged knip depcheck madge size-limit serve http-server
    wrangler vercel netlify firebase supabase prisma drizzle-kit typeorm sequelize knex`,
  python: `python python2 python3 pypy pypy3 pip pip2 pip3 pipx pipenv poetry uv uvx pdm hatch rye conda mamba
    micromamba virtualenv venv pyenv pytest py.test tox nox poe coverage mypy pyright pylint flake8 ruff black
    isort autopep8 yapf bandit pydocstyle pycodestyle pyflakes sphinx-build mkdocs jupyter ipython
    jupyter-notebook jupyter-lab django-admin flask uvicorn gunicorn celery alembic streamlit twine
    pre-commit cookiecutter pip-compile pip-sync`,
  rust: `cargo rustc rustup rustfmt rustdoc clippy-driver cargo-clippy cargo-fmt cross wasm-pack trunk maturin`,
  go: `go gofmt goimports golangci-lint gopls dlv staticcheck golint air goreleaser buf protoc protoc-gen-go
    mockgen wire`,
  jvm: `java javac jar javadoc jshell jlink jpackage jps jstack jmap jcmd keytool mvn mvnw gradle gradlew ant
    sbt kotlin kotlinc scala scalac groovy clojure clj lein`,
  ruby: `ruby irb gem bundle bundler rake rails rspec rubocop erb rbenv rvm solargraph`,
  php: `php composer phpunit artisan phpstan psalm php-cs-fixer`,
  dotnet: `dotnet msbuild nuget csc mono`,
  native: `gcc g++ cc c++ clang clang++ clang-format clang-tidy ld lld gold as ar nm objdump readelf ldd
    strip size addr2line c++filt make gmake cmake ctest cpack ninja meson bazel bazelisk buck pkg-config
    autoconf automake autoreconf libtool configure gdb lldb valgrind perf strace ltrace ccache distcc
    emcc zig swift swiftc xcodebuild pod carthage vcpkg conan`,
  other_langs: `perl cpan cpanm lua luarocks R Rscript julia elixir mix iex erl rebar3 ghc ghci cabal stack
    ocaml opam dune nim crystal dart flutter haskell tclsh runghc racket raco guile sbcl clisp ecl
    octave octave-cli gnuplot pwsh powershell jrunscript`,
  containers: `docker docker-compose podman podman-compose buildah skopeo nerdctl ctr crictl kind minikube k3d
    kubectl kubectx kubens k9s helm helmfile kustomize skaffold tilt stern terraform tofu terragrunt pulumi
    packer vagrant ansible ansible-playbook ansible-galaxy aws gcloud gsutil az doctl flyctl heroku
    eksctl istioctl linkerd argocd kubeseal sops vault consul nomad`,
  databases: `psql pg_dump pg_restore pg_ctl createdb dropdb mysql mysqldump mysqladmin sqlite3 redis-cli
    mongosh mongo mongodump mongorestore clickhouse clickhouse-client duckdb influx cqlsh`,
  editors: `vi vim nvim view vimdiff nano pico emacs ed ex code subl kak hx helix micro`,
  pkgsys: `apt apt-get apt-cache dpkg dpkg-query yum dnf rpm zypper pacman apk brew port snap flatpak nix
    nix-env nix-shell`,
  more_dev: `which whereis pax lpr lp mogrify gsed ggrep gfind gxargs uuencode uudecode mail mailx ipcs ipcrm
    latexmk tex latex pdflatex xelatex lualatex bibtex biber ncu npm-check-updates clang-check
    clang-query clangd docker-machine docker-buildx docker-credential-helper diff-so-fancy difft
    difftastic meld kdiff3 phpcs phpcbf phpmd rector pint pest
    perlcritic perltidy prove carton ncat nest ionic
    cordova capacitor gatsby hugo jekyll eleventy zola mdbook docusaurus typedoc jsdoc esdoc api-extractor
    tsup tsdx microbundle unbuild ncc pkg nexe babel babel-node terser uglifyjs cssnano postcss sass lessc
    stylus tailwindcss autoprefixer svgr lighthouse http-server live-server browser-sync local-ssl-proxy
    ngrok-free localtunnel json-server newman k6 artillery wrk ab locust vegeta hey jmeter gatling
    ts-prune type-coverage syncpack manypkg rush bit pnpm-workspace lage wireit moon bazel-remote buildifier
    gazelle please pants earthly dagger act gitlab-runner circleci travis drone buildkite-agent jenkins-cli
    git-crypt git-secret git-annex git-bug git-extras git-flow git-town git-absorb git-branchless
    git-machete git-imerge git-sizer git-quick-stats git-standup git-cliff git-chglog gitmoji commitizen cz
    cargo-watch cargo-edit cargo-audit cargo-deny cargo-outdated cargo-expand cargo-nextest cargo-make
    cargo-generate cargo-release cargo-tarpaulin cargo-llvm-cov cargo-udeps cargo-bloat cargo-binstall
    sccache mold bindgen cbindgen wasm-bindgen wasm-opt wasmtime wasmer wat2wasm wasm2wat twiggy
    go-task gotestsum gocov govulncheck gosec errcheck ineffassign revive gotests goreturns gomodifytags
    impl gofumpt golines templ sqlc migrate goose atlas ent
    mvnd jbang jenv sdk kscript ktlint detekt spotless checkstyle pmd spotbugs jacoco openapi-generator
    swagger-codegen swagger-cli redoc-cli spectral protolint grpcui evans ghz
    rubocop-rails brakeman reek rufo standardrb sorbet srb steep rbs yard rdoc ri foreman overmind
    honcho hivemind puma unicorn thin sidekiq rackup
    pyinstaller nuitka cython f2py pybind11-config pip-audit safety pipdeptree pip-licenses pyupgrade
    pyproject-build build flit setuptools-scm bump2version bumpversion tbump towncrier semgrep vulture
    radon xenon interrogate darglint pydoclint ipdb pudb py-spy scalene memray line_profiler kernprof
    snakeviz locust hypothesis behave robot pytest-watch ptw nosetests nose2 green ward
    dotnet-ef dotnet-format dotnet-counters dotnet-trace dotnet-dump csharpier
    swiftlint swiftformat xcpretty xcbeautify fastlane bundletool adb fastboot emulator avdmanager
    sdkmanager apksigner zipalign aapt aapt2 gradle-wrapper keytool jarsigner
    cmake-format cmake-lint cppcheck cpplint include-what-you-use iwyu bear compiledb gcov gcovr lcov
    llvm-cov llvm-profdata llvm-objdump llvm-nm llvm-ar llvm-symbolizer llvm-config objcopy ranlib
    dwarfdump dsymutil lipo otool install_name_tool codesign notarytool xattr
    kubeadm kubelet kubeconform kubeval kube-linter kubescape trivy grype syft cosign crane dive
    docker-slim hadolint conftest opa rego tflint tfsec checkov terrascan infracost tfenv tgenv
    terraform-docs packer-validate serverless sam cdk cdktf copilot amplify eb ecs-cli sst
    minio mc rclone s3cmd azcopy gsutil b2
    pgcli mycli litecli usql sqlcmd bq cockroach psqlrc redis-server memcached nats etcdctl kafka-topics
    kcat kafkacat rabbitmqctl mosquitto_pub mosquitto_sub
    jless fx jo jc dasel htmlq pup xidel xsltproc csvkit xsv qsv visidata sqlite-utils datasette
    glow mdcat grip marked markdown-it remark textlint alex write-good vale proselint cspell codespell
    typos hunspell
    watchexec nodemon reflex modd air realize
    tmuxinator byobu zellij mosh et asciinema ttyd
    ripgrep rga ugrep sd choose procs dust duf bottom zoxide broot nnn ranger lf mc xplr yazi starship
    tealdeer navi cheat howdoi
    gpg-agent pinentry keychain 1password op bw lpass gopass passage
    curlie httpie wuzz hurl step mkcert cfssl certstrap
    direnv envchain dotenv-linter chamber
    yarn-why composer-require-checker composer-unused rpm2cpio`,
  // The userland of a stock Linux or macOS machine, package by package (util-linux, procps, psmisc,
  // bsdextrautils, sharutils, ncurses-bin, man-db, groff, binutils, iputils, dnsutils, iproute2, net-tools,
  // compressors, ImageMagick, Ghostscript, poppler-utils, CUPS clients, mail and text-mode browsers).
  userland: `cal col colcrt colrm column hexdump look rev scriptreplay setsid taskset ionice chrt getopt
    logger lsblk lscpu mcookie namei renice rename uuidgen whereis wall write ul fallocate findmnt mountpoint
    prlimit lsns lslocks lsipc lsmem lslogins nsenter unshare more pg ipcs ipcrm flock fincore blockdev
    pmap pwdx skill slabtop snice tload fuser killall pstree prtstat peekfd shar uuencode uudecode clear
    tput tset reset infocmp tic toe captoinfo infotocap lesspipe lesskey zless zmore zcmp zdiff zforce znew
    zegrep zfgrep bzcmp bzdiff bzgrep bzless bzmore bzip2recover xzdiff xzgrep xzless xzmore lzcat lzmainfo
    manpath mandb groff nroff troff tbl eqn pic soelim grops grotty preconv arping tracepath nsupdate delv
    tc bridge ss ip ifconfig netstat route arp iwconfig ethtool nmcli resolvectl hostnamectl as ld ar nm
    objcopy objdump readelf size strings strip addr2line c++filt gprof ranlib elfedit convert mogrify
    identify composite montage display compare animate import gs ps2pdf pdf2ps ps2ps epstopdf pdftotext
    pdfinfo pdfimages pdftoppm pdftocairo pdfunite pdfseparate pdffonts qpdf sox lame flac oggenc jpegoptim
    exiftool enscript a2ps recode aspell hunspell lp lpr lpq lprm lpstat cancel mail mailx mutt lynx w3m
    links elinks bsdtar pax sharutils cksum sum units bc dc time timeout watch expect dialog whiptail
    notify-send xdg-open xclip xsel wl-copy wl-paste pbcopy pbpaste open say afplay mdfind mdls
    screencapture sips ditto hdiutil plutil pkgutil softwareupdate networksetup scutil dscacheutil
    launchctl caffeinate pmset sysctl vm_stat top iotop nethogs iftop glances ncdu pv dstat sar lsof
    strace ltrace ldd ldconfig file find xargs locate updatedb getent id groups newgrp sg last lastb who
    w users finger pinky mesg chfn chsh chage gpasswd`,
  misc: `bc dc expr seq shuf yes sleep true false tput banner figlet cowsay say notify-send base64 uuidgen
    openssl gpg gpg2 age pass htpasswd md5 sha256 mkcert certutil convert magick ffmpeg ffprobe
    pandoc pdftotext gs qpdf exiftool identify optipng pngquant svgo sqlfluff hadolint shellcheck shfmt
    markdownlint actionlint yamllint ansible-lint taplo mpv crudini direnv asdf mise just task pv parallel hyperfine tokei cloc
    scc sloccount ctags`,
};

/**
 * Tools a JavaScript project installs as its own dev dependencies: `npx <tool>` runs the project's copy
 * (node_modules/.bin). Any other name makes npx fetch a package from the registry and run it.
 */
export const PROJECT_JS_TOOLS: ReadonlySet<string> = new Set(
  (GROUPS.node ?? '')
    .split(/\s+/)
    .filter(
      (w) =>
        w !== '' &&
        !/^(npm|npx|pnpm|pnpx|yarn|yarnpkg|bun|bunx|deno|corepack|nvm|fnm|volta|n|nodenv|node|nodejs|create-react-app)$/.test(
          w,
        ),
    ),
);

/**
 * Clients of infrastructure and data stores: containers and clusters, clouds, databases, object storage. Their
 * subcommands act on things elsewhere, so a destroying verb or a remote command is judged by its shape.
 */
export const INFRA_CLIENTS: ReadonlySet<string> = new Set(
  [
    GROUPS.containers,
    GROUPS.databases,
    `rclone s3cmd mc azcopy b2 etcdctl fly flyctl heroku dropuser wrangler vercel netlify firebase supabase prisma
    drizzle-kit typeorm sequelize knex serverless sls sam cdk cdktf copilot amplify eb ecs-cli sst bq cockroach
    usql sqlcmd pgcli mycli litecli railway render adb fastboot rabbitmqctl`,
  ]
    .join(' ')
    .split(/\s+/)
    .filter((w) => w !== ''),
);

/** Every catalogued program name. */
export const KNOWN_PROGRAMS: ReadonlySet<string> = new Set(
  Object.values(GROUPS).flatMap((g) => g.split(/\s+/).filter((w) => w !== '')),
);
