<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US" sourcelanguage="en_US">
<context>
    <name>ConfigFilePage</name>
    <message numerus="yes">
        <source>Edited: %n problem(s) to fix before it can be saved.</source>
        <translation>
            <numerusform>Edited: %n problem to fix before it can be saved.</numerusform>
            <numerusform>Edited: %n problems to fix before it can be saved.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Saved {path}: %n profile(s), no problems.</source>
        <translation>
            <numerusform>Saved {path}: %n profile, no problems.</numerusform>
            <numerusform>Saved {path}: %n profiles, no problems.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>DirectoryPanel</name>
    <message numerus="yes">
        <source>%Ln result(s)</source>
        <translation>
            <numerusform>%Ln result</numerusform>
            <numerusform>%Ln results</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>DirectoryRefresher</name>
    <message numerus="yes">
        <source>%Ln row(s) skipped: {problem}</source>
        <translation>
            <numerusform>%Ln row skipped: {problem}</numerusform>
            <numerusform>%Ln rows skipped: {problem}</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Refreshing from {source}: {done} of %Ln entries…</source>
        <translation>
            <numerusform>Refreshing from {source}: {done} of %Ln entry…</numerusform>
            <numerusform>Refreshing from {source}: {done} of %Ln entries…</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Refreshing from {source}: %Ln entries…</source>
        <translation>
            <numerusform>Refreshing from {source}: %Ln entry…</numerusform>
            <numerusform>Refreshing from {source}: %Ln entries…</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>JournalView</name>
    <message numerus="yes">
        <source>%n input(s)</source>
        <translation>
            <numerusform>%n input</numerusform>
            <numerusform>%n inputs</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Keeping transfers for %n day(s): {removed}</source>
        <translation>
            <numerusform>Keeping transfers for %n day: {removed}</numerusform>
            <numerusform>Keeping transfers for %n days: {removed}</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln older transfer(s) deleted.</source>
        <translation>
            <numerusform>%Ln older transfer deleted.</numerusform>
            <numerusform>%Ln older transfers deleted.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln transfer(s) (the newest; export writes them all)</source>
        <translation>
            <numerusform>%Ln transfer (the newest; export writes them all)</numerusform>
            <numerusform>%Ln transfers (the newest; export writes them all)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln transfer(s)</source>
        <translation>
            <numerusform>%Ln transfer</numerusform>
            <numerusform>%Ln transfers</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Exported %Ln transfer(s) to {path}</source>
        <translation>
            <numerusform>Exported %Ln transfer to {path}</numerusform>
            <numerusform>Exported %Ln transfers to {path}</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Messages</name>
    <message numerus="yes">
        <source>{count} flow inputs given: at most {limit} are allowed.</source>
        <translation>
            <numerusform>{count} flow input given: at most {limit} are allowed.</numerusform>
            <numerusform>{count} flow inputs given: at most {limit} are allowed.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>The config file {path} has {count} problem(s):</source>
        <translation>
            <numerusform>The config file {path} has {count} problem:</numerusform>
            <numerusform>The config file {path} has {count} problems:</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>HTTP {status} · {elapsed} ms · {attempts} attempts</source>
        <translation>
            <numerusform>HTTP {status} · {elapsed} ms · {attempts} attempt</numerusform>
            <numerusform>HTTP {status} · {elapsed} ms · {attempts} attempts</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Check the {count} flow input(s): each name must be an input variable of the flow.</source>
        <translation>
            <numerusform>Check the flow input: its name must be an input variable of the flow.</numerusform>
            <numerusform>Check the {count} flow inputs: each name must be an input variable of the flow.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>OutcomeBanner</name>
    <message numerus="yes">
        <source>Retry in %n s</source>
        <translation>
            <numerusform>Retry in %n s</numerusform>
            <numerusform>Retry in %n s</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>PanelWindow</name>
    <message numerus="yes">
        <source>Something went wrong (%n so far)</source>
        <translation>
            <numerusform>Something went wrong (%n so far)</numerusform>
            <numerusform>Something went wrong (%n so far)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message numerus="yes">
        <source>Config file (%n problem(s))</source>
        <translation>
            <numerusform>Config file (%n problem)</numerusform>
            <numerusform>Config file (%n problems)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>The config file {path} has %n problem(s): the panel cannot use it until they are fixed (Config file).</source>
        <translation>
            <numerusform>The config file {path} has %n problem: the panel cannot use it until it is fixed (Config file).</numerusform>
            <numerusform>The config file {path} has %n problems: the panel cannot use it until they are fixed (Config file).</numerusform>
        </translation>
    </message>
</context>
</TS>
