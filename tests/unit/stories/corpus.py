"""Small constructed corpus: two earthquakes, two ministerial visits a year apart."""

from __future__ import annotations

from storytrace.evidence import Evidence, extract_evidence

QUAKE_A = [
    (
        "2020-03-05T08:00",
        'Strong earthquake hits eastern Turkey\nA magnitude 6.1 earthquake struck Malatya province in eastern Turkey on March 5, 2020, killing 12 people, officials said. The quake damaged 300 buildings in the town of Puturge. Governor Aydin Barus said rescue teams were searching the rubble. "We are doing everything we can to reach the people under the debris," Barus said.',
    ),
    (
        "2020-03-05T10:30",
        'Turkey quake kills 12 in Malatya\nTwelve people died when a magnitude 6.1 quake shook Malatya in eastern Turkey on Thursday, March 5. Some 300 buildings were damaged around Puturge, Governor Aydin Barus said. "We are doing everything we can to reach the people under the debris," Barus told reporters, adding that tents were sent to Puturge.',
    ),
    (
        "2020-03-05T15:00",
        'Rescuers search rubble after Malatya earthquake\nRescuers in Malatya dug through collapsed houses in Puturge after the magnitude 6.1 earthquake that killed 12 people in eastern Turkey. Governor Aydin Barus said 300 buildings were damaged and that AFAD teams had arrived. Barus said: "We are doing everything we can to reach the people under the debris."',
    ),
]
QUAKE_B = [
    (
        "2020-04-22T20:00",
        'Powerful earthquake strikes Indonesia\nA magnitude 7.2 earthquake struck off Sulawesi in Indonesia on April 22, 2020, killing 40 people, the disaster agency said. The quake destroyed 1,200 homes in the city of Palu. Agency spokesman Raditya Jati said search teams were working through the night. "The main need now is tents and clean water for the survivors," Jati said.',
    ),
    (
        "2020-04-23T02:00",
        'Sulawesi quake toll rises to 40\nThe death toll from the magnitude 7.2 quake off Sulawesi rose to 40, Indonesia\'s disaster agency BNPB said on April 23. Around 1,200 homes were destroyed in Palu. "The main need now is tents and clean water for the survivors," spokesman Raditya Jati told reporters in Jakarta.',
    ),
    (
        "2020-04-23T09:00",
        'Palu residents sleep outside after earthquake\nThousands of residents of Palu on Sulawesi slept outdoors after the magnitude 7.2 earthquake killed 40 people and destroyed 1,200 homes. BNPB spokesman Raditya Jati said aid was arriving. "The main need now is tents and clean water for the survivors," Jati said.',
    ),
]
VISIT_1 = [
    (
        "2019-10-30T10:00",
        'Serbia seeks greater Russian role in talks with Kosovo\nSerbian Foreign Minister Ivica Dacic met his Russian counterpart Sergey Lavrov in Moscow on Wednesday and asked for a bigger Russian role in the EU-mediated talks with Kosovo. "Russia is our biggest friend," Dacic said. The talks have stalled over Kosovo\'s 100% tariff on Serbian goods.',
    ),
    (
        "2019-10-30T13:00",
        'Dacic in Moscow: Serbia wants Russia in Kosovo talks\nSerbia\'s top diplomat Ivica Dačić told Sergei Lavrov in Moscow that Belgrade wants Russia to play a larger role in the talks on Kosovo. "Russia is our biggest friend," Dačić said after the meeting. The EU-sponsored dialogue is blocked by a 100 percent tariff Pristina imposed on Serbian goods.',
    ),
]
VISIT_2 = [
    (
        "2020-10-28T09:00",
        'Lavrov and Dacic discuss Kosovo and vaccines in Moscow\nSerbian Foreign Minister Ivica Dacic met Russian Foreign Minister Sergey Lavrov in Moscow on Wednesday to discuss a coronavirus vaccine deal and the new Washington agreement on Kosovo. "We will buy the Russian vaccine as soon as it is registered," Dacic said. Lavrov praised the 2,000 tonnes of aid sent to Serbia.',
    ),
    (
        "2020-10-28T12:00",
        'Serbia to buy Russian vaccine, Dacic says after Lavrov talks\nIvica Dacic said in Moscow that Serbia would buy the Russian Sputnik V coronavirus vaccine. "We will buy the Russian vaccine as soon as it is registered," Dacic said after meeting Sergei Lavrov. They also discussed the Washington agreement on Kosovo signed in September.',
    ),
]


def corpus() -> list[tuple[str, list[Evidence]]]:
    groups = [
        ("quake-a", QUAKE_A),
        ("quake-b", QUAKE_B),
        ("visit-1", VISIT_1),
        ("visit-2", VISIT_2),
    ]
    return [(name, [extract_evidence(t, published=p) for p, t in g]) for name, g in groups]
