"""Function words left out of keyword matching, French and English (accents folded, lower case).

Articles, personal and possessive pronouns, the commonest prepositions and conjunctions, and the
forms of « être » and « avoir » that are written without accents; for English, the same classes
plus the pieces contractions split into ("isn", "don"). Content words of the domain never belong
here: they are what keyword matching is for. Changing these lists changes retrieval, so any change
is measured with ``jury-blanc eval retrieval`` on both splits.
"""

from __future__ import annotations

_FRENCH = """
    au aux avec ce ces dans de des du elle en et eux il ils je la le les leur lui ma mais me mes moi
    mon ne nos notre nous on ou par pas pour qu que qui sa se ses son sur ta te tes toi ton tu un une
    vos votre vous c d j l m n s t y
    suis es est sommes sont fus fut furent sois soit soyons soyez soient fusse fusses fussions fussiez
    fussent serai seras sera serons serez seront serais serait serions seriez seraient
    ai as avons avez ont eu eue eues eus eut eurent aie aies ait ayons ayez aient ayant ayante ayantes
    ayants eusse eusses eussions eussiez eussent aurai auras aura aurons aurez auront aurais aurait
    aurions auriez auraient avais avait avions aviez avaient
"""

_ENGLISH = """
    a about above after again against all am an and any are as at be because been before being below
    between both but by can could did do does doing down during each few for from further had has
    have having he her here hers herself him himself his how i if in into is it its itself just me
    more most my myself no nor not now of off on once only or other our ours ourselves out over own
    same she should so some such than that the their theirs them themselves then there these they
    this those through to too under until up very was we were what when where which while who whom
    why will with would you your yours yourself yourselves
    s t d ll m o re ve y ain aren couldn didn doesn don hadn hasn haven isn ma mightn mustn needn
    shan shouldn wasn weren won wouldn
"""

FRENCH = frozenset(_FRENCH.split())
ENGLISH = frozenset(_ENGLISH.split())
